package dev.demandlayering.runtime.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Protocol-buffers wire-format writer: the counterpart of {@link ProtoReader} for the fields ONNX needs. */
final class ProtoWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    ProtoWriter varint(int field, long v) {
        tag(field, ProtoReader.VARINT);
        raw(v);
        return this;
    }

    ProtoWriter fixed32(int field, float v) {
        tag(field, ProtoReader.FIXED32);
        int b = Float.floatToRawIntBits(v);
        for (int i = 0; i < 4; i++) out.write(b >>> (8 * i));
        return this;
    }

    ProtoWriter bytes(int field, byte[] b) {
        tag(field, ProtoReader.LEN);
        raw(b.length);
        out.writeBytes(b);
        return this;
    }

    ProtoWriter string(int field, String s) {
        return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter message(int field, ProtoWriter m) {
        return bytes(field, m.toByteArray());
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void tag(int field, int wire) {
        raw(((long) field << 3) | wire);
    }

    private void raw(long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
