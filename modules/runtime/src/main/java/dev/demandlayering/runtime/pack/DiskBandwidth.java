package dev.demandlayering.runtime.pack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The disk's sequential read bandwidth for weights, measured the way the loader reads them: O_DIRECT (past the
 * page cache, so cold) into aligned memory, in 4 MiB requests. Falls back to buffered reads where the file
 * system refuses O_DIRECT, and says so.
 */
public final class DiskBandwidth {
    /** Bytes per second, and whether the reads bypassed the page cache. */
    public record Measurement(long bytes, double seconds, boolean direct) {
        public double bytesPerSecond() {
            return seconds == 0 ? 0 : bytes / seconds;
        }
    }

    private DiskBandwidth() {
    }

    public static Measurement measure(List<Path> files) throws IOException {
        return measure(files, 0);
    }

    /**
     * As {@link #measure(List)}, the files read over and over (each opened once) until at least {@code atLeast}
     * bytes are read: a pack of a few hundred KiB is otherwise timed mostly by its open and first request.
     */
    public static Measurement measure(List<Path> files, long atLeast) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect((4 << 20) + 4096).alignedSlice(4096);
        long bytes = 0;
        boolean direct = true;
        List<FileChannel> channels = new java.util.ArrayList<>();
        try {
            long t0 = System.nanoTime();
            for (Path f : files) {
                FileChannel ch = BlobReader.openDirect(f);
                if (ch == null) {
                    ch = FileChannel.open(f, StandardOpenOption.READ);
                    direct = false;
                }
                channels.add(ch);
            }
            do {
                long pass = 0;
                for (FileChannel c : channels) {
                    long size = c.size(), pos = 0;
                    while (pos < size) {
                        buf.clear();
                        int n = c.read(buf, pos);
                        if (n <= 0) break;
                        pos += n;
                        pass += n;
                    }
                }
                bytes += pass;
                if (pass == 0) break;
            } while (bytes < atLeast);
            return new Measurement(bytes, (System.nanoTime() - t0) / 1e9, direct);
        } finally {
            for (FileChannel c : channels) c.close();
        }
    }
}
