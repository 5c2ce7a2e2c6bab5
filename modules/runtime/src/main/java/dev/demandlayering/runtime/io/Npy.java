package dev.demandlayering.runtime.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** NumPy .npy files (format 1.0/2.0), float32 little-endian, C order: what `dlayer run` reads and writes. */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** Values and shape of an array. */
    public record Array(int[] shape, float[] data) {
    }

    public static Array read(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        if (b.length < 10 || !Arrays.equals(Arrays.copyOf(b, 6), MAGIC)) throw new IOException(file + ": not a .npy file (bad magic)");
        int major = b[6];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = major == 1 ? Short.toUnsignedInt(bb.getShort(8)) : bb.getInt(8);
        int start = major == 1 ? 10 : 12;
        if (start + headerLen > b.length) throw new IOException(file + ": truncated .npy header");
        String header = new String(b, start, headerLen, StandardCharsets.ISO_8859_1);
        if (!header.contains("'<f4'")) throw new IOException(file + ": only little-endian float32 ('<f4') arrays are supported; header " + header.trim());
        if (header.contains("'fortran_order': True")) throw new IOException(file + ": Fortran-ordered arrays are not supported");
        Matcher m = SHAPE.matcher(header);
        if (!m.find()) throw new IOException(file + ": no shape in .npy header");
        int[] shape = Arrays.stream(m.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
        long n = 1;
        for (int d : shape) n *= d;
        int dataStart = start + headerLen;
        if (b.length - dataStart != 4 * n) {
            throw new IOException(file + ": shape " + Arrays.toString(shape) + " needs " + 4 * n + " data bytes, file has " + (b.length - dataStart));
        }
        float[] f = new float[(int) n];
        bb.position(dataStart);
        bb.asFloatBuffer().get(f);
        return new Array(shape, f);
    }

    public static void write(Path file, int[] shape, float[] data) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) dims.append(i > 0 ? ", " : "").append(shape[i]);
        if (shape.length == 1) dims.append(',');
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
        int total = 10 + header.length() + 1;
        header = header + " ".repeat((64 - total % 64) % 64) + "\n";
        ByteBuffer out = ByteBuffer.allocate(10 + header.length() + 4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.ISO_8859_1));
        out.asFloatBuffer().put(data);
        Files.write(file, out.array());
    }
}
