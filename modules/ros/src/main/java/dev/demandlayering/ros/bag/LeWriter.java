package dev.demandlayering.ros.bag;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Builds little-endian MCAP record fields. */
final class LeWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    LeWriter u8(int v) {
        out.write(v);
        return this;
    }

    LeWriter u16(int v) {
        out.write(v);
        out.write(v >>> 8);
        return this;
    }

    LeWriter u32(long v) {
        for (int i = 0; i < 4; i++) out.write((int) (v >>> (8 * i)));
        return this;
    }

    LeWriter u64(long v) {
        for (int i = 0; i < 8; i++) out.write((int) (v >>> (8 * i)));
        return this;
    }

    LeWriter string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u32(b.length);
        out.writeBytes(b);
        return this;
    }

    LeWriter bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    LeWriter stringMap(Map<String, String> m) {
        LeWriter inner = new LeWriter();
        m.forEach((k, v) -> inner.string(k).string(v));
        byte[] b = inner.toByteArray();
        u32(b.length);
        return bytes(b);
    }

    LeWriter u16u64Map(Map<Integer, Long> m) {
        LeWriter inner = new LeWriter();
        m.forEach((k, v) -> inner.u16(k).u64(v));
        byte[] b = inner.toByteArray();
        u32(b.length);
        return bytes(b);
    }

    int size() {
        return out.size();
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    /** opcode + u64 length + content */
    static byte[] record(int opcode, byte[] content) {
        return new LeWriter().u8(opcode).u64(content.length).bytes(content).toByteArray();
    }
}
