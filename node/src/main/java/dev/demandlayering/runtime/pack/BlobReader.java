package dev.demandlayering.runtime.pack;

import com.sun.nio.file.ExtendedOpenOption;
import dev.demandlayering.runtime.layers.Layer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads layer blobs from a pack into caller-provided (arena) memory, bypassing the page cache with O_DIRECT
 * where the file system allows it, and verifies each blob's CRC32C. Not thread-safe: one per loader.
 */
public final class BlobReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlobReader.class);
    private static volatile boolean bufferedLogged;
    private final PackFile pack;
    private final FileChannel channel;
    private final boolean direct;
    private final boolean verify;
    private final long bytesPerSecond;
    private final boolean half;

    public BlobReader(PackFile pack, boolean tryDirect, boolean verify) throws IOException {
        this(pack, tryDirect, verify, 0, false);
    }

    /**
     * @param bytesPerSecond when positive, reads take at least bytes / bytesPerSecond: emulates a slower disk
     *     (e.g. an embedded board's SSD) on a fast development machine
     * @param half read the pack's float16 blobs (the pack must have them: {@code dlayer pack --fp16})
     */
    public BlobReader(PackFile pack, boolean tryDirect, boolean verify, long bytesPerSecond, boolean half) throws IOException {
        if (half && !pack.hasFp16()) {
            throw new PackFormatException(pack.path() + ": float16 weights were asked for but the pack has no float16 blobs; "
                    + "re-create it with 'dlayer pack --fp16'");
        }
        this.half = half;
        this.pack = pack;
        this.verify = verify;
        this.bytesPerSecond = bytesPerSecond;
        FileChannel ch = tryDirect ? openDirect(pack.path()) : null;
        if (tryDirect && ch == null && !bufferedLogged) {
            bufferedLogged = true;
            LOG.info("O_DIRECT is not available for {}; reading weights through the page cache", pack.path());
        }
        this.direct = ch != null;
        this.channel = ch != null ? ch : FileChannel.open(pack.path(), StandardOpenOption.READ);
    }

    /** The file opened for O_DIRECT reads (past the page cache), or null where the file system refuses them. */
    static FileChannel openDirect(java.nio.file.Path file) {
        try {
            return FileChannel.open(file, StandardOpenOption.READ, ExtendedOpenOption.DIRECT);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    public boolean isDirect() {
        return direct;
    }

    /**
     * Reads layer {@code layer}'s blob (float32, or float16 for a half reader) into {@code dst} at its position (4096-aligned address when
     * direct; {@code dst} must have room for the padded length). Returns the payload bytes read.
     */
    public long read(Layer layer, ByteBuffer dst) throws IOException {
        BlobInfo b = half ? pack.blobFp16(layer.index()) : pack.blob(layer.index());
        long start = System.nanoTime();
        ByteBuffer target = dst.duplicate();
        target.limit(target.position() + (int) (direct ? b.paddedLength() : b.length()));
        try {
            PackFile.readFully(channel, target, b.offset());
        } catch (java.io.EOFException e) {
            throw new PackFormatException(pack.path() + ": layer " + layer.index() + " '" + layer.name() + "': truncated blob ("
                    + e.getMessage() + ")");
        }
        if (verify) {
            ByteBuffer payload = dst.duplicate();
            payload.limit(payload.position() + (int) b.length());
            CRC32C crc = new CRC32C();
            crc.update(payload);
            if ((int) crc.getValue() != b.crc32c()) {
                throw new PackFormatException(pack.path() + ": layer " + layer.index() + " '" + layer.name()
                        + "': weight checksum mismatch (expected crc32c " + Integer.toUnsignedString(b.crc32c(), 16) + ", read "
                        + Long.toHexString(crc.getValue()) + "); the pack is corrupt, re-create it with 'dlayer pack'");
            }
        }
        throttle(start, b.length());
        return b.length();
    }

    private void throttle(long startNs, long bytes) throws IOException {
        if (bytesPerSecond <= 0) return;
        long dueNs = startNs + (long) (bytes * 1e9 / bytesPerSecond);
        long left;
        while ((left = dueNs - System.nanoTime()) > 0) {
            try {
                Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while throttling a read");
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
