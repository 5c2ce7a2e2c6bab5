package dev.demandlayering.runtime.onnx;

/** IEEE 754 binary16 to float conversion (Java 17 has no Float.float16ToFloat). */
final class Half {
    private Half() {
    }

    static float toFloat(short bits) {
        return dev.demandlayering.runtime.pack.Fp16.toFloat(bits);
    }
}
