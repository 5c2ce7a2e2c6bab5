package dev.demandlayering.perception;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Images made for fault tests. */
public final class TestImages {
    private TestImages() {
    }

    /** A small, well-formed PNG whose header claims {@code w x h} pixels (one tiny IDAT: cheap to send, ruinous to decode). */
    public static byte[] pngClaiming(int w, int h) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream i = new DataOutputStream(ihdr);
        i.writeInt(w);
        i.writeInt(h);
        i.write(new byte[] {8, 2, 0, 0, 0}); // 8-bit RGB
        chunk(d, "IHDR", ihdr.toByteArray());
        Deflater z = new Deflater();
        z.setInput(new byte[1024]);
        z.finish();
        byte[] buf = new byte[2048];
        int n = z.deflate(buf);
        chunk(d, "IDAT", Arrays.copyOf(buf, n));
        chunk(d, "IEND", new byte[0]);
        return b.toByteArray();
    }

    private static void chunk(DataOutputStream d, String type, byte[] data) throws IOException {
        d.writeInt(data.length);
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        d.write(t);
        d.write(data);
        CRC32 c = new CRC32();
        c.update(t);
        c.update(data);
        d.writeInt((int) c.getValue());
    }
}
