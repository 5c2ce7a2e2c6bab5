package dev.demandlayering.ros.cdr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads XCDR1 payloads written by {@link CdrWriter} or any ROS 2 rmw: honours the encapsulation header's
 * byte order (CDR_BE 0x0000 or CDR_LE 0x0001). Every read checks bounds, so a truncated or malformed
 * message fails with {@link CdrException} naming the field and the offset, never with garbage.
 */
public final class CdrReader {
    private final ByteBuffer buf;
    private final String what;

    public CdrReader(byte[] payload, String what) {
        this.what = what;
        if (payload.length < 4) throw new CdrException(what + ": payload of " + payload.length + " bytes has no CDR encapsulation header");
        int kind = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        ByteOrder order = switch (kind) {
            case 0x0000 -> ByteOrder.BIG_ENDIAN;
            case 0x0001 -> ByteOrder.LITTLE_ENDIAN;
            default -> throw new CdrException(what + ": unsupported encapsulation 0x" + Integer.toHexString(kind)
                    + " (expected plain CDR, 0x0000 or 0x0001)");
        };
        buf = ByteBuffer.wrap(payload).order(order);
        buf.position(4);
    }

    private void align(int n) {
        int pos = buf.position() - 4;
        int pad = (n - pos % n) % n;
        need(pad, "padding");
        buf.position(buf.position() + pad);
    }

    private void need(long n, String field) {
        if (n > buf.remaining()) {
            throw new CdrException(what + ": truncated at byte " + buf.position() + " reading " + field + " (" + n + " bytes needed, "
                    + buf.remaining() + " left)");
        }
    }

    public int u8(String field) {
        need(1, field);
        return buf.get() & 0xff;
    }

    public boolean bool(String field) {
        return u8(field) != 0;
    }

    public int i32(String field) {
        align(4);
        need(4, field);
        return buf.getInt();
    }

    public long u32(String field) {
        return i32(field) & 0xffffffffL;
    }

    public long i64(String field) {
        align(8);
        need(8, field);
        return buf.getLong();
    }

    public float f32(String field) {
        align(4);
        need(4, field);
        return buf.getFloat();
    }

    public double f64(String field) {
        align(8);
        need(8, field);
        return buf.getDouble();
    }

    public String string(String field) {
        long len = u32(field + " length");
        if (len == 0) throw new CdrException(what + ": " + field + " has length 0 (a CDR string includes its terminating NUL)");
        need(len, field);
        byte[] b = new byte[(int) len];
        buf.get(b);
        if (b[b.length - 1] != 0) throw new CdrException(what + ": " + field + " is not NUL-terminated");
        return new String(b, 0, b.length - 1, StandardCharsets.UTF_8);
    }

    public byte[] bytes(String field) {
        long len = u32(field + " length");
        need(len, field);
        byte[] b = new byte[(int) len];
        buf.get(b);
        return b;
    }

    /** A sequence count, checked against the bytes left assuming each element takes at least {@code minElementBytes}. */
    public int count(String field, int minElementBytes) {
        long n = u32(field + " count");
        need(n * Math.max(1, minElementBytes), field);
        return (int) n;
    }

    public double[] f64Array(int n, String field) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = f64(field);
        return d;
    }

    public int remaining() {
        return buf.remaining();
    }
}
