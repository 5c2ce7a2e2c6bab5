package dev.demandlayering.ros.bag;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;

/**
 * MCAP chunk compression: "" (none), "zstd" (a zstd frame, zstd-jni) and "lz4" (an LZ4 frame, commons-compress:
 * independent or linked blocks, as liblz4 writes by default), the ones the MCAP spec names.
 */
public final class ChunkCompression {
    private ChunkCompression() {
    }

    public static boolean supported(String compression) {
        return compression.isEmpty() || compression.equals("zstd") || compression.equals("lz4");
    }

    public static byte[] compress(String compression, byte[] data) throws IOException {
        return switch (compression) {
            case "" -> data;
            case "zstd" -> Zstd.compress(data, 3);
            case "lz4" -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
                try (OutputStream lz4 = new FramedLZ4CompressorOutputStream(out)) {
                    lz4.write(data);
                }
                yield out.toByteArray();
            }
            default -> throw new IllegalArgumentException("chunk compression '" + compression + "' is not supported (zstd, lz4, or none)");
        };
    }

    /** Decompresses to exactly {@code size} bytes; anything else is an IOException saying what was found. */
    public static byte[] decompress(String compression, byte[] data, long size) throws IOException {
        if (size < 0 || size > Integer.MAX_VALUE - 16) throw new IOException("uncompressed size " + size + " is not readable");
        byte[] out;
        switch (compression) {
            case "" -> out = data;
            case "zstd" -> {
                try {
                    out = Zstd.decompress(data, (int) size);
                } catch (RuntimeException e) {
                    throw new IOException("zstd: " + e.getMessage(), e);
                }
            }
            case "lz4" -> {
                try (InputStream in = new FramedLZ4CompressorInputStream(new ByteArrayInputStream(data))) {
                    out = in.readNBytes((int) size + 1);
                } catch (RuntimeException e) {
                    throw new IOException("lz4: " + e.getMessage(), e);
                }
            }
            default -> throw new IOException("compression '" + compression + "' is not supported (zstd, lz4, or none)");
        }
        if (out.length != size) throw new IOException("decompressed to " + out.length + " bytes, the chunk says " + size);
        return out;
    }
}
