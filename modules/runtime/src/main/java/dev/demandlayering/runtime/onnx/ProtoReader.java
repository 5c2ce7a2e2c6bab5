package dev.demandlayering.runtime.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A minimal protocol-buffers wire-format reader over a byte range: enough to walk ONNX messages field by
 * field. Truncated or malformed input throws {@link IllegalStateException} with the byte offset.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LEN = 2;
    static final int FIXED32 = 5;

    private final byte[] buf;
    private int pos;
    private final int end;
    private int tag;

    ProtoReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    ProtoReader(byte[] buf, int off, int len) {
        if (off < 0 || len < 0 || off + len > buf.length) throw new IllegalStateException("message runs past end of data");
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
    }

    /** Advances to the next field; false at the end of the message. */
    boolean next() {
        if (pos >= end) return false;
        tag = (int) readVarint();
        if (tag == 0) throw new IllegalStateException("invalid field tag 0 at byte " + pos);
        return true;
    }

    int field() {
        return tag >>> 3;
    }

    int wireType() {
        return tag & 7;
    }

    long readVarint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) throw new IllegalStateException("truncated varint at byte " + pos);
            byte b = buf[pos++];
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) return result;
        }
        throw new IllegalStateException("malformed varint at byte " + pos);
    }

    float readFixed32Float() {
        return Float.intBitsToFloat(readFixed32());
    }

    int readFixed32() {
        need(4);
        int v = ByteBuffer.wrap(buf, pos, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        pos += 4;
        return v;
    }

    long readFixed64() {
        need(8);
        long v = ByteBuffer.wrap(buf, pos, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        pos += 8;
        return v;
    }

    /** A length-delimited field as a sub-reader. */
    ProtoReader readMessage() {
        int len = readLength();
        ProtoReader sub = new ProtoReader(buf, pos, len);
        pos += len;
        return sub;
    }

    String readString() {
        int len = readLength();
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    byte[] readBytes() {
        int len = readLength();
        byte[] b = new byte[len];
        System.arraycopy(buf, pos, b, 0, len);
        pos += len;
        return b;
    }

    /** Reads a repeated varint field, packed or not, appending to {@code out}. */
    void readVarints(LongList out) {
        if (wireType() == LEN) {
            ProtoReader p = readMessage();
            while (p.pos < p.end) out.add(p.readVarint());
        } else {
            out.add(readVarint());
        }
    }

    /** Reads a repeated float field, packed or not. */
    void readFloats(FloatList out) {
        if (wireType() == LEN) {
            ProtoReader p = readMessage();
            while (p.pos < p.end) out.add(p.readFixed32Float());
        } else {
            out.add(readFixed32Float());
        }
    }

    /** Reads a repeated double field, packed or not. */
    void readDoubles(FloatList out) {
        if (wireType() == LEN) {
            ProtoReader p = readMessage();
            while (p.pos < p.end) out.add((float) Double.longBitsToDouble(p.readFixed64()));
        } else {
            out.add((float) Double.longBitsToDouble(readFixed64()));
        }
    }

    void skip() {
        switch (wireType()) {
            case VARINT -> readVarint();
            case FIXED64 -> { need(8); pos += 8; }
            case LEN -> { int len = readLength(); pos += len; }
            case FIXED32 -> { need(4); pos += 4; }
            default -> throw new IllegalStateException("unsupported wire type " + wireType() + " at byte " + pos);
        }
    }

    private int readLength() {
        long len = readVarint();
        if (len < 0 || len > end - pos) {
            throw new IllegalStateException("length " + len + " at byte " + pos + " runs past the end (" + (end - pos)
                    + " bytes left): file truncated or not protobuf");
        }
        return (int) len;
    }

    private void need(int n) {
        if (end - pos < n) throw new IllegalStateException("truncated fixed-width value at byte " + pos);
    }

    /** Growable primitive lists, to avoid boxing large weight arrays. */
    static final class LongList {
        long[] a = new long[8];
        int n;

        void add(long v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }

    static final class FloatList {
        float[] a = new float[8];
        int n;

        void add(float v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
