package dev.demandlayering.runtime.pack;

import com.sun.nio.file.ExtendedOpenOption;
import dev.demandlayering.runtime.layers.Layer;
import dev.demandlayering.runtime.layers.WeightPrecision;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads layer blobs from a pack into caller-provided (arena) memory, bypassing the page cache with O_DIRECT
 * where the file system allows it, and verifies each blob's CRC32C. Where O_DIRECT is refused or unusable (a
 * block size of 0 or one that does not divide the pack's alignment, EINVAL on open or on a read) it reads
 * through the page cache instead and says so once, unless direct reads were required. Not thread-safe: one per loader.
 */
public final class BlobReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlobReader.class);
    private static volatile boolean bufferedLogged;
    private final PackFile pack;
    private FileChannel channel;
    private boolean direct;
    private final boolean verify;
    private final long bytesPerSecond;
    private final WeightPrecision weights;

    public BlobReader(PackFile pack, boolean tryDirect, boolean verify) throws IOException {
        this(pack, tryDirect ? DirectIo.AUTO : DirectIo.OFF, verify, 0, WeightPrecision.FP32);
    }

    /**
     * @param bytesPerSecond when positive, reads take at least bytes / bytesPerSecond: emulates a slower disk
     *     (e.g. an embedded board's SSD) on a fast development machine
     * @param weights which blobs to read: float32, or float16 (the pack must have them: {@code dlayer pack --fp16})
     */
    public BlobReader(PackFile pack, DirectIo directIo, boolean verify, long bytesPerSecond, WeightPrecision weights) throws IOException {
        if (weights.isHalf() && !pack.hasFp16()) {
            throw new PackFormatException(pack.path() + ": float16 weights were asked for but the pack has no float16 blobs; "
                    + "re-create it with 'dlayer pack --fp16'");
        }
        this.weights = weights;
        this.pack = pack;
        this.verify = verify;
        this.bytesPerSecond = bytesPerSecond;
        FileChannel ch = null;
        if (directIo != DirectIo.OFF) {
            StringBuilder why = new StringBuilder();
            ch = openDirect(pack.path(), why);
            if (ch == null && directIo == DirectIo.ON) {
                throw new IOException(pack.path() + ": direct_io is 'on' but O_DIRECT reads are not possible here (" + why
                        + "); set direct_io to 'auto' (fall back to buffered reads) or 'off'");
            }
            if (ch == null) logBuffered(why.toString());
        }
        this.direct = ch != null;
        this.channel = ch != null ? ch : FileChannel.open(pack.path(), StandardOpenOption.READ);
    }

    /** The file opened for O_DIRECT reads (past the page cache), or null where the file system refuses them. */
    static FileChannel openDirect(Path file) {
        return openDirect(file, new StringBuilder());
    }

    /** As {@link #openDirect(Path)}; {@code why} receives the reason when it returns null. */
    static FileChannel openDirect(Path file, StringBuilder why) {
        try {
            long block = Files.getFileStore(file).getBlockSize();
            if (block <= 0 || PackLayout.BLOB_ALIGN % block != 0) {
                why.append("the file system reports a block size of ").append(block).append(", which does not divide ").append(PackLayout.BLOB_ALIGN);
                return null;
            }
        } catch (IOException | UnsupportedOperationException e) {
            why.append("the file system's block size is unknown: ").append(e.getMessage());
            return null;
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ, ExtendedOpenOption.DIRECT);
        } catch (IOException | UnsupportedOperationException e) {
            why.append("opening with O_DIRECT failed: ").append(e.getMessage());
            return null;
        }
        // some file systems accept the open and fail the reads: try one aligned block now rather than mid-frame
        ByteBuffer probe = ByteBuffer.allocateDirect(2 * PackLayout.BLOB_ALIGN).alignedSlice(PackLayout.BLOB_ALIGN);
        probe.limit(PackLayout.BLOB_ALIGN);
        try {
            ch.read(probe, 0);
            return ch;
        } catch (IOException | RuntimeException e) {
            why.append("an O_DIRECT read failed: ").append(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
            try {
                ch.close();
            } catch (IOException ignored) {
                // it was only opened for reading
            }
            return null;
        }
    }

    private void logBuffered(String why) {
        if (bufferedLogged) return;
        bufferedLogged = true;
        LOG.info("O_DIRECT is not usable for {} ({}); reading weights through the page cache", pack.path(), why);
    }

    public boolean isDirect() {
        return direct;
    }

    /** The blob this reader reads for {@code layer} (its float32 one, or its float16 one for a float16 reader). */
    public BlobInfo blob(Layer layer) {
        return weights.isHalf() ? pack.blobFp16(layer.index()) : pack.blob(layer.index());
    }

    /**
     * Whether {@code next}'s blob starts where {@code prev}'s padded blob ends in the file, so that one direct read
     * fetches both into consecutive arena ranges of their padded lengths.
     */
    public boolean followsInFile(Layer prev, Layer next) {
        BlobInfo a = blob(prev), b = blob(next);
        return direct && a.offset() + a.paddedLength() == b.offset();
    }

    /**
     * Reads the blobs of {@code layers}, consecutive in the file ({@link #followsInFile}; one layer alone is fine),
     * with one direct read into {@code dst}, each at its padded offset from the first, and verifies each one. Many
     * small layers cost one request's latency instead of one each. Returns each layer's payload bytes.
     */
    public long[] readConsecutive(List<Layer> layers, ByteBuffer dst) throws IOException {
        long[] bytes = readUnverified(layers, dst);
        verify(layers, dst);
        return bytes;
    }

    /**
     * {@link #readConsecutive} without the checksums, which {@link #verify(List, ByteBuffer)} then checks (the
     * loader has another thread do it while its next read is on its way). On any failure of the one read the
     * layers are read one by one, so that an error names its layer (and a refused O_DIRECT falls back as {@link
     * #read} does).
     */
    public long[] readUnverified(List<Layer> layers, ByteBuffer dst) throws IOException {
        long[] bytes = new long[layers.size()];
        long start = System.nanoTime();
        BlobInfo first = blob(layers.get(0)), last = blob(layers.get(layers.size() - 1));
        if (layers.size() == 1) {
            bytes[0] = readOne(layers.get(0), dst);
        } else {
            long span = last.offset() + last.paddedLength() - first.offset();
            try {
                readInto(new BlobInfo(first.offset(), span, span, 0), dst);
                for (int i = 0; i < layers.size(); i++) bytes[i] = blob(layers.get(i)).length();
            } catch (IOException | ArithmeticException e) {
                for (int i = 0; i < layers.size(); i++) bytes[i] = readOne(layers.get(i), at(dst, first, blob(layers.get(i))));
            }
        }
        throttle(start, java.util.Arrays.stream(bytes).sum());
        return bytes;
    }

    /** Whether this reader checks blobs' checksums ({@link #verify(List, ByteBuffer)} does nothing otherwise). */
    public boolean verifies() {
        return verify;
    }

    /**
     * Checks the checksums of {@code layers}' blobs as {@link #readUnverified} left them in {@code dst}; the first
     * mismatch names its file and layer.
     */
    public void verify(List<Layer> layers, ByteBuffer dst) throws PackFormatException {
        if (!verify) return;
        BlobInfo first = blob(layers.get(0));
        for (Layer l : layers) {
            BlobInfo b = blob(l);
            verify(l, b, at(dst, first, b));
        }
    }

    /** Where blob {@code b} lies in a buffer that holds the blobs from {@code first} on, as they lie in the file. */
    private static ByteBuffer at(ByteBuffer dst, BlobInfo first, BlobInfo b) {
        ByteBuffer part = dst.duplicate();
        part.position(dst.position() + (int) (b.offset() - first.offset()));
        return part;
    }

    /**
     * Reads layer {@code layer}'s blob (float32, or float16 for a float16 reader) into {@code dst} at its position (4096-aligned address when
     * direct; {@code dst} must have room for the padded length) and verifies it. Returns the payload bytes read.
     */
    public long read(Layer layer, ByteBuffer dst) throws IOException {
        return readConsecutive(List.of(layer), dst)[0];
    }

    private long readOne(Layer layer, ByteBuffer dst) throws IOException {
        BlobInfo b = blob(layer);
        try {
            readInto(b, dst);
        } catch (java.io.EOFException e) {
            throw truncated(layer, b, e);
        } catch (IOException | ArithmeticException e) {
            if (!direct || !refusesDirect(e)) throw readFailure(layer, b, e);
            // EINVAL (or a zero block size) under O_DIRECT: the same bytes through the page cache
            logBuffered("an O_DIRECT read of layer " + layer.index() + " failed: " + e.getMessage());
            channel.close();
            channel = FileChannel.open(pack.path(), StandardOpenOption.READ);
            direct = false;
            try {
                readInto(b, dst);
            } catch (java.io.EOFException again) {
                throw truncated(layer, b, again);
            } catch (IOException again) {
                throw readFailure(layer, b, again);
            }
        }
        return b.length();
    }

    private void verify(Layer layer, BlobInfo b, ByteBuffer at) throws PackFormatException {
        ByteBuffer payload = at.duplicate();
        payload.limit(payload.position() + (int) b.length());
        CRC32C crc = new CRC32C();
        crc.update(payload);
        if ((int) crc.getValue() != b.crc32c()) {
            throw new PackFormatException(pack.path() + ": layer " + layer.index() + " '" + layer.name()
                    + "': weight checksum mismatch (expected crc32c " + Integer.toUnsignedString(b.crc32c(), 16) + ", read "
                    + Long.toHexString(crc.getValue()) + "); the pack is corrupt, re-create it with 'dlayer pack'");
        }
    }

    /**
     * The file system refused the direct read itself (EINVAL, or a block size of 0 dividing the position), as opposed
     * to failing it (EIO, end of file): only then are buffered reads worth trying.
     */
    private static boolean refusesDirect(Exception e) {
        return e instanceof ArithmeticException || String.valueOf(e.getMessage()).contains("Invalid argument");
    }

    private void readInto(BlobInfo b, ByteBuffer dst) throws IOException {
        ByteBuffer target = dst.duplicate();
        target.limit(target.position() + (int) (direct ? b.paddedLength() : b.length()));
        if (!direct) {
            PackFile.readFully(channel, target, b.offset());
            return;
        }
        long pos = b.offset();
        while (target.hasRemaining()) {
            int n = channel.read(target, pos);
            if (n < 0) throw new java.io.EOFException("unexpected end of file at byte " + pos);
            pos += n;
            // a direct read comes back short only at the end of the file, leaving an unaligned position
            if (target.hasRemaining() && pos % PackLayout.BLOB_ALIGN != 0) throw new java.io.EOFException("unexpected end of file at byte " + pos);
        }
    }

    private String reading(Layer layer, BlobInfo b) {
        return pack.path() + ": layer " + layer.index() + " '" + layer.name() + "': reading " + b.length() + " bytes at offset " + b.offset();
    }

    private PackFormatException truncated(Layer layer, BlobInfo b, java.io.EOFException e) {
        return new PackFormatException(reading(layer, b) + " hit the end of the file (truncated pack: " + e.getMessage() + "); re-create it with 'dlayer pack'");
    }

    private IOException readFailure(Layer layer, BlobInfo b, Exception e) {
        String cause = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return new IOException(reading(layer, b) + " failed" + (direct ? " (O_DIRECT)" : "") + ": " + cause, e);
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
