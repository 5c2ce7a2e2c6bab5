package dev.demandlayering.runtime.exec;

import dev.demandlayering.runtime.layers.Layer;
import dev.demandlayering.runtime.pack.BlobReader;
import dev.demandlayering.runtime.plan.ArenaPlanner;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * The loader thread: walks the streamed layers of all models in frame order, over and over (after the last
 * model's last layer comes the first model's first layer of the next frame), reading each blob into the next
 * free ring range. It runs ahead as far as the ring allows; in sequential mode it loads only on request.
 */
final class WeightLoader implements Runnable {
    /** A streamed layer in frame order. */
    record Item(int model, Layer layer, BlobReader reader) {
    }

    /** A blob in place (or the error that stopped the loader). */
    record Loaded(Item item, long ringOffset, double loadMs, long bytes, Throwable error) {
    }

    private final List<Item> sequence;
    private final WeightRing ring;
    private final Arena arena;
    private final long ringBase;
    private final boolean prefetch;
    private final boolean half;
    private final BlockingQueue<Loaded> ready = new LinkedBlockingQueue<>();
    private final Semaphore requests = new Semaphore(0);
    private final Thread thread;
    private volatile boolean running = true;

    WeightLoader(List<Item> sequence, WeightRing ring, Arena arena, long ringBase, boolean prefetch, boolean half) {
        this.half = half;
        this.sequence = sequence;
        this.ring = ring;
        this.arena = arena;
        this.ringBase = ringBase;
        this.prefetch = prefetch;
        this.thread = new Thread(this, "dlayer-loader");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Compute asks for the next blob (sequential mode), then waits for it. */
    Loaded next() throws InterruptedException {
        if (!prefetch) requests.release();
        return ready.take();
    }

    @Override
    public void run() {
        int q = 0;
        try {
            while (running) {
                Item it = sequence.get(q);
                if (!prefetch) requests.acquire();
                long slot = ArenaPlanner.slotBytes(it.layer(), half);
                long off = ring.allocate(slot);
                long t0 = System.nanoTime();
                ByteBuffer dst = arena.weightStaging(ringBase + off, slot);
                long bytes = it.reader().read(it.layer(), dst);
                arena.commitWeights(ringBase + off, slot);
                ready.put(new Loaded(it, off, (System.nanoTime() - t0) / 1e6, bytes, null));
                q = (q + 1) % sequence.size();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            ready.add(new Loaded(sequence.get(q), -1, 0, 0, t));
        }
    }

    void stop() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
