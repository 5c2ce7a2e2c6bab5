package dev.demandlayering.runtime.exec;

import dev.demandlayering.runtime.layers.Layer;
import dev.demandlayering.runtime.layers.WeightPrecision;
import dev.demandlayering.runtime.pack.BlobReader;
import dev.demandlayering.runtime.pack.DiskBandwidth.Measurement;
import dev.demandlayering.runtime.pack.PackFile;
import dev.demandlayering.runtime.plan.ArenaPlanner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The loader on its own: every weighted layer of the packs read, frame after frame, through the real {@link
 * WeightLoader} and {@link WeightRing} (the same requests, batching, checksums and hand-off), each blob released
 * the moment it lands. With no compute to wait for, the loader runs as fast as the disk and its own costs let it:
 * its bandwidth beside the disk's shows what the loader itself loses, apart from the cores it shares with compute.
 */
public final class LoaderThroughput {
    private LoaderThroughput() {
    }

    /**
     * Streams {@code frames} frames' blobs of {@code packs} through a ring of {@code ringBytes} in an arena of
     * {@code backend}'s; the ring must hold the largest blob. The measurement's bytes are those handed to the
     * consumer, over the wall time from the first request to the last hand-off.
     */
    public static Measurement measure(List<PackFile> packs, Backend backend, long ringBytes, int frames, Engine.Options io, WeightPrecision weights)
            throws IOException, InterruptedException {
        List<BlobReader> readers = new ArrayList<>();
        List<WeightLoader.Item> sequence = new ArrayList<>();
        int layersPerFrame = 0;
        try (Arena arena = backend.allocateArena(ringBytes)) {
            for (int mi = 0; mi < packs.size(); mi++) {
                BlobReader reader = new BlobReader(packs.get(mi), io.directIo(), io.verifyChecksums(), io.diskBytesPerSecond(), weights);
                readers.add(reader);
                for (Layer l : packs.get(mi).model().layers()) {
                    if (l.weightBytes() == 0) continue;
                    if (ArenaPlanner.slotBytes(l, weights) > ringBytes) {
                        throw new IllegalArgumentException("a ring of " + ringBytes + " bytes cannot hold layer " + l.index() + " of " + packs.get(mi).path());
                    }
                    sequence.add(new WeightLoader.Item(mi, l, reader, layersPerFrame++, null));
                }
            }
            if (sequence.isEmpty()) return new Measurement(0, 0, readers.stream().allMatch(BlobReader::isDirect));
            WeightRing ring = new WeightRing(ringBytes);
            WeightLoader loader = new WeightLoader(sequence, ring, arena, 0, true, weights, layersPerFrame);
            loader.start();
            try {
                long bytes = 0, t0 = System.nanoTime();
                for (long i = 0, n = (long) frames * sequence.size(); i < n; i++) {
                    WeightLoader.Loaded got = loader.next();
                    if (got.error() instanceof IOException e) throw e;
                    if (got.error() != null) throw new IllegalStateException("loader failed: " + got.error(), got.error());
                    long slot = ArenaPlanner.slotBytes(got.item().layer(), weights);
                    arena.awaitWeights(got.offset(), slot);
                    arena.releaseWeights(got.offset(), slot);
                    ring.release();
                    loader.layerDone();
                    bytes += got.bytes();
                }
                return new Measurement(bytes, (System.nanoTime() - t0) / 1e9, readers.stream().allMatch(BlobReader::isDirect));
            } finally {
                loader.stop();
            }
        } finally {
            for (BlobReader r : readers) r.close();
        }
    }
}
