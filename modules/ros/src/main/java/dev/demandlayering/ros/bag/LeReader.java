package dev.demandlayering.ros.bag;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Little-endian fields of one MCAP record, bounds-checked: a short record fails naming the field and where it is. */
final class LeReader {
    private final byte[] b;
    private int p;
    private final int end;
    private final String where;

    LeReader(byte[] b, int from, int end, String where) {
        this.b = b;
        this.p = from;
        this.end = end;
        this.where = where;
    }

    LeReader(byte[] b, String where) {
        this(b, 0, b.length, where);
    }

    private void need(int n, String field) throws BagFormatException {
        if (n < 0 || end - p < n) {
            throw new BagFormatException(where + ": field '" + field + "' needs " + n + " bytes at record offset " + p + ", " + (end - p) + " left");
        }
    }

    int position() {
        return p;
    }

    int remaining() {
        return end - p;
    }

    int u8(String field) throws BagFormatException {
        need(1, field);
        return b[p++] & 0xff;
    }

    int u16(String field) throws BagFormatException {
        need(2, field);
        int v = (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
        p += 2;
        return v;
    }

    long u32(String field) throws BagFormatException {
        need(4, field);
        long v = (b[p] & 0xffL) | (b[p + 1] & 0xffL) << 8 | (b[p + 2] & 0xffL) << 16 | (b[p + 3] & 0xffL) << 24;
        p += 4;
        return v;
    }

    long u64(String field) throws BagFormatException {
        need(8, field);
        long v = 0;
        for (int i = 7; i >= 0; i--) v = v << 8 | (b[p + i] & 0xffL);
        p += 8;
        return v;
    }

    String string(String field) throws BagFormatException {
        long n = u32(field + " length");
        if (n > end - p) throw new BagFormatException(where + ": string '" + field + "' claims " + n + " bytes, " + (end - p) + " left");
        String s = new String(b, p, (int) n, StandardCharsets.UTF_8);
        p += (int) n;
        return s;
    }

    byte[] bytes(long n, String field) throws BagFormatException {
        if (n > end - p) throw new BagFormatException(where + ": '" + field + "' claims " + n + " bytes, " + (end - p) + " left");
        byte[] out = java.util.Arrays.copyOfRange(b, p, p + (int) n);
        p += (int) n;
        return out;
    }

    byte[] rest() {
        byte[] out = java.util.Arrays.copyOfRange(b, p, end);
        p = end;
        return out;
    }

    Map<String, String> stringMap(String field) throws BagFormatException {
        long n = u32(field + " length");
        if (n > end - p) throw new BagFormatException(where + ": map '" + field + "' claims " + n + " bytes, " + (end - p) + " left");
        LeReader m = new LeReader(b, p, p + (int) n, where);
        Map<String, String> out = new LinkedHashMap<>();
        while (m.remaining() > 0) out.put(m.string(field + " key"), m.string(field + " value"));
        p += (int) n;
        return out;
    }

    /** A map<uint16, uint64> (Statistics channel_message_counts). */
    Map<Integer, Long> u16u64Map(String field) throws BagFormatException {
        long n = u32(field + " length");
        if (n > end - p) throw new BagFormatException(where + ": map '" + field + "' claims " + n + " bytes, " + (end - p) + " left");
        LeReader m = new LeReader(b, p, p + (int) n, where);
        Map<Integer, Long> out = new LinkedHashMap<>();
        while (m.remaining() > 0) out.put(m.u16(field + " key"), m.u64(field + " value"));
        p += (int) n;
        return out;
    }
}
