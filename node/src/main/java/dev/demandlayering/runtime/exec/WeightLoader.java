package dev.demandlayering.runtime.exec;

import dev.demandlayering.runtime.layers.Layer;
import dev.demandlayering.runtime.pack.BlobReader;
import dev.demandlayering.runtime.plan.ArenaPlanner;
import dev.demandlayering.runtime.plan.SlackSlots;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The loader thread: walks the streamed layers of all models in frame order, over and over (after the last
 * model's last layer comes the first model's first layer of the next frame), reading each blob into the next
 * free ring range. It runs ahead as far as the ring allows; in sequential mode it loads only on request.
 * Layers whose blobs follow each other in the file and whose ranges the ring has free right after each other
 * now are read with one request (up to {@link #BATCH_BYTES}): small layers then cost one read's latency between
 * them instead of one each. A layer with a slack slot (idle activation bytes, {@link SlackSlots}) skips the ring: the
 * loader waits until compute has finished the layer that frees those bytes, then reads the slot's whole group (its
 * members lie next to each other in the file and in the arena, and open together) with one request.
 */
final class WeightLoader implements Runnable {
    /**
     * A streamed layer in frame order.
     *
     * @param frameLayer the layer's index in frame order, over all models
     * @param slack its slot in idle activation bytes (absolute offset; its opening layer in frame order), or null for the ring
     */
    record Item(int model, Layer layer, BlobReader reader, int frameLayer, SlackSlots.Slot slack) {
    }

    /**
     * A blob in place at arena offset {@code offset} (or the error that stopped the loader); {@code cpuMs} is the
     * loader thread's CPU time for the read (checksum included), shared by bytes as {@code loadMs} is.
     */
    record Loaded(Item item, long offset, double loadMs, double cpuMs, long bytes, Throwable error) {
    }

    /** Per-thread CPU clocks (clock_gettime with the thread's CPU-time clock on Linux: about a microsecond a call). */
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

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
    /** Layers per frame, over all models: converts a slot's opening layer into a count of {@link #computed}. */
    private final int layersPerFrame;
    /** Layers compute has finished since the engine started (every layer, streamed or not). */
    private final AtomicLong computed = new AtomicLong();
    /** The count of {@link #computed} the parked loader waits for; Long.MAX_VALUE when it is not waiting. */
    private volatile long awaiting = Long.MAX_VALUE;

    WeightLoader(List<Item> sequence, WeightRing ring, Arena arena, long ringBase, boolean prefetch, boolean half, int layersPerFrame) {
        this.half = half;
        this.layersPerFrame = layersPerFrame;
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

    /** How long compute spins for a blob that is on its way before it parks: a small layer's read takes about this long. */
    static final long SPIN_NANOS = 200_000;

    /**
     * Compute asks for the next blob (sequential mode), then waits for it: spinning first, since waking a parked
     * thread costs tens of microseconds per layer, as much as a small layer's compute.
     */
    Loaded next() throws InterruptedException {
        if (!prefetch) requests.release();
        Loaded got = ready.poll();
        long start = System.nanoTime();
        while (got == null && System.nanoTime() - start < SPIN_NANOS) {
            Thread.onSpinWait();
            got = ready.poll();
        }
        return got != null ? got : ready.take();
    }

    static final long BATCH_BYTES = 4L << 20;

    /** Compute finished a layer (call after every layer, in order): wakes the loader if it waits for that one. */
    void layerDone() {
        if (computed.incrementAndGet() >= awaiting) LockSupport.unpark(thread);
    }

    private void awaitComputed(long count) throws InterruptedException {
        if (computed.get() >= count) return;
        awaiting = count;
        try {
            while (computed.get() < count) {
                LockSupport.park(this);
                if (!running || Thread.interrupted()) throw new InterruptedException();
            }
        } finally {
            awaiting = Long.MAX_VALUE;
        }
    }

    /** The {@link #computed} count at which item {@code pos} (counted from the start over all frames) may be read. */
    private long opensAt(long pos, Item it) {
        long frame = pos / sequence.size() - (it.slack().wraps(it.frameLayer()) ? 1 : 0);
        return frame * layersPerFrame + it.slack().opensAfter() + 1;
    }

    @Override
    public void run() {
        long pos = 0; // items handed out since the start: pos % size is the item, pos / size its frame
        long pending = -1; // a ring range already taken for the next item by the previous batch
        try {
            while (running) {
                Item it = sequence.get((int) (pos % sequence.size()));
                if (!prefetch) requests.acquire();
                long slot = ArenaPlanner.slotBytes(it.layer(), half);
                long off;
                if (it.slack() != null) {
                    awaitComputed(opensAt(pos, it));
                    off = it.slack().offset();
                } else {
                    off = ringBase + (pending >= 0 ? pending : ring.allocate(slot));
                }
                pending = -1;
                List<Item> batch = new java.util.ArrayList<>(List.of(it));
                long end = off + slot;
                long next = pos + 1;
                while (prefetch && next - pos < sequence.size() && end - off < BATCH_BYTES) {
                    Item n = sequence.get((int) (next % sequence.size()));
                    Item prev = batch.get(batch.size() - 1);
                    if (n.reader() != it.reader() || !it.reader().followsInFile(prev.layer(), n.layer())) break;
                    long nSlot = ArenaPlanner.slotBytes(n.layer(), half);
                    if (it.slack() != null || n.slack() != null) {
                        // a slot group: the same opening, in the same frame, right after the previous member
                        if (it.slack() == null || n.slack() == null || n.slack().offset() != end || opensAt(next, n) != opensAt(pos, it)) break;
                    } else {
                        long at = ring.tryAllocate(nSlot);
                        if (at < 0) break;
                        if (ringBase + at != end) { // wrapped: it is this layer's range, read on its own next time
                            pending = at;
                            break;
                        }
                    }
                    batch.add(n);
                    end += nSlot;
                    next++;
                }
                long t0 = System.nanoTime(), cpu0 = CPU.getCurrentThreadCpuTime();
                ByteBuffer dst = arena.weightStaging(off, end - off);
                long[] bytes = batch.size() == 1 ? new long[] {it.reader().read(it.layer(), dst)}
                        : it.reader().readConsecutive(batch.stream().map(Item::layer).toList(), dst);
                double ms = (System.nanoTime() - t0) / 1e6, cpuMs = (CPU.getCurrentThreadCpuTime() - cpu0) / 1e6, total = java.util.Arrays.stream(bytes).sum();
                long at = off;
                for (int i = 0; i < batch.size(); i++) {
                    // each layer's range is committed (and awaited, released) on its own, as if read alone; a batch's
                    // time is shared by its layers in proportion to their bytes
                    long s = ArenaPlanner.slotBytes(batch.get(i).layer(), half);
                    arena.commitWeights(at, s);
                    ready.put(new Loaded(batch.get(i), at, total == 0 ? 0 : ms * bytes[i] / total, total == 0 ? 0 : cpuMs * bytes[i] / total, bytes[i], null));
                    at += s;
                }
                pos = next;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            ready.add(new Loaded(sequence.get((int) (pos % sequence.size())), -1, 0, 0, 0, t));
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
