package dev.demandlayering.runtime.layers;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The precision weights live in the arena and on the disk in: the packs' float32 blobs, or their float16 copies
 * (half the bytes, at float16's precision). Sizes and offsets in a pack's layer table are float32's; this type
 * turns them into the precision's.
 */
public enum WeightPrecision {
    FP32(4),
    FP16(2);

    private final int bytesPerValue;

    WeightPrecision(int bytesPerValue) {
        this.bytesPerValue = bytesPerValue;
    }

    public int bytesPerValue() {
        return bytesPerValue;
    }

    /**
     * What {@code float32Bytes} of float32 weights take in this precision: a byte count, or a tensor's offset in a
     * blob (a float16 blob holds the same tensors at half the offsets). Float32 sizes are whole values.
     */
    public long of(long float32Bytes) {
        return float32Bytes / 4 * bytesPerValue;
    }

    public boolean isHalf() {
        return this == FP16;
    }

    /** The name parameters and options use: {@code fp32} or {@code fp16}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every precision's {@link #label()}, in order. */
    public static List<String> labels() {
        return Arrays.stream(values()).map(WeightPrecision::label).toList();
    }

    /** The precision named {@code fp32} or {@code fp16} (any case); {@code where} names the parameter or option in the error. */
    public static WeightPrecision parse(String name, String where) {
        for (WeightPrecision p : values()) if (p.label().equalsIgnoreCase(name.strip())) return p;
        throw new IllegalArgumentException(where + ": unknown weight precision '" + name + "'; expected one of "
                + labels());
    }
}
