package dev.demandlayering.ros.cdr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a ROS 2 message payload in XCDR1 (plain CDR), little endian, as rmw implementations put it on the
 * wire: a 4-byte encapsulation header {0x00, 0x01, 0x00, 0x00} (CDR_LE), then the fields, each primitive
 * aligned to its own size counted from the end of the header. Strings are a uint32 length that includes
 * the terminating NUL, the UTF-8 bytes and the NUL; sequences a uint32 count and the elements.
 */
public final class CdrWriter {
    static final byte[] CDR_LE_HEADER = {0x00, 0x01, 0x00, 0x00};
    private ByteBuffer buf;

    public CdrWriter() {
        this(256);
    }

    public CdrWriter(int initialCapacity) {
        buf = ByteBuffer.allocate(Math.max(16, initialCapacity)).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(CDR_LE_HEADER);
    }

    private void align(int n) {
        int pos = buf.position() - 4;
        int pad = (n - pos % n) % n;
        ensure(pad);
        for (int i = 0; i < pad; i++) buf.put((byte) 0);
    }

    private void ensure(int more) {
        if (buf.remaining() >= more) return;
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more)).order(ByteOrder.LITTLE_ENDIAN);
        buf.flip();
        bigger.put(buf);
        buf = bigger;
    }

    public CdrWriter u8(int v) {
        ensure(1);
        buf.put((byte) v);
        return this;
    }

    public CdrWriter bool(boolean v) {
        return u8(v ? 1 : 0);
    }

    public CdrWriter i32(int v) {
        align(4);
        ensure(4);
        buf.putInt(v);
        return this;
    }

    public CdrWriter u32(long v) {
        return i32((int) v);
    }

    public CdrWriter i64(long v) {
        align(8);
        ensure(8);
        buf.putLong(v);
        return this;
    }

    public CdrWriter f32(float v) {
        align(4);
        ensure(4);
        buf.putFloat(v);
        return this;
    }

    public CdrWriter f64(double v) {
        align(8);
        ensure(8);
        buf.putDouble(v);
        return this;
    }

    public CdrWriter string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u32(b.length + 1);
        ensure(b.length + 1);
        buf.put(b).put((byte) 0);
        return this;
    }

    /** A uint8[] sequence: count, then the bytes (no alignment inside). */
    public CdrWriter bytes(byte[] b, int off, int len) {
        u32(len);
        ensure(len);
        buf.put(b, off, len);
        return this;
    }

    public CdrWriter f64Array(double[] v) {
        for (double d : v) f64(d);
        return this;
    }

    /**
     * The payload, padded to a multiple of 4 bytes with the pad count in the encapsulation options, as
     * CycloneDDS and Fast-DDS write it (readers ignore the options).
     */
    public byte[] toByteArray() {
        int pad = (4 - buf.position() % 4) % 4;
        byte[] out = Arrays.copyOf(buf.array(), buf.position() + pad);
        out[3] = (byte) pad;
        return out;
    }

    /** Payload bytes written so far, including the 4-byte header. */
    public int size() {
        return buf.position();
    }
}
