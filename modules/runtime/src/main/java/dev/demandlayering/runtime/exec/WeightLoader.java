package dev.demandlayering.runtime.exec;

import dev.demandlayering.runtime.layers.Layer;
import dev.demandlayering.runtime.layers.WeightPrecision;
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
 * <p>
 * A batch's checksums are checked by a second thread, the verifier, while the loader's next read is on its way
 * (checked in line they cost the loader alone 10-15% of the disk's bandwidth: a pass over memory the read has just
 * filled); batches under {@link #VERIFY_ELSEWHERE_BYTES} are checked in line, where waking the verifier would
 * cost more. Compute gets the blobs in order either way, each only once its checksum has passed.
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
    private final WeightPrecision weights;
    private final BlockingQueue<Loaded> ready = new LinkedBlockingQueue<>();
    private final Semaphore requests = new Semaphore(0);
    private final Thread thread;
    /** Checks the checksums of large batches while the loader reads the next (null when the readers verify nothing). */
    private final Thread verifier;
    private final BlockingQueue<Batch> toVerify = new LinkedBlockingQueue<>();
    /** Batches handed to the verifier and not yet delivered: while any are, every batch goes through its queue. */
    private final java.util.concurrent.atomic.AtomicInteger unverified = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean running = true;
    /** Layers per frame, over all models: converts a slot's opening layer into a count of {@link #computed}. */
    private final int layersPerFrame;
    /** Layers compute has finished since the engine started (every layer, streamed or not). */
    private final AtomicLong computed = new AtomicLong();
    /** The count of {@link #computed} the parked loader waits for; Long.MAX_VALUE when it is not waiting. */
    private volatile long awaiting = Long.MAX_VALUE;

    WeightLoader(List<Item> sequence, WeightRing ring, Arena arena, long ringBase, boolean prefetch, WeightPrecision weights, int layersPerFrame) {
        this.weights = weights;
        this.layersPerFrame = layersPerFrame;
        this.sequence = sequence;
        this.ring = ring;
        this.arena = arena;
        this.ringBase = ringBase;
        this.prefetch = prefetch;
        this.thread = new Thread(this, "dlayer-loader");
        thread.setDaemon(true);
        this.verifier = sequence.stream().anyMatch(i -> i.reader().verifies()) ? new Thread(this::verifyLoop, "dlayer-verifier") : null;
        if (verifier != null) verifier.setDaemon(true);
    }

    void start() {
        if (verifier != null) verifier.start();
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
                long slot = ArenaPlanner.slotBytes(it.layer(), weights);
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
                    long nSlot = ArenaPlanner.slotBytes(n.layer(), weights);
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
                long[] bytes = it.reader().readUnverified(batch.stream().map(Item::layer).toList(), dst);
                long[] offsets = new long[batch.size()];
                long at = off;
                for (int i = 0; i < batch.size(); i++) {
                    // each layer's range is committed (and awaited, released) on its own, as if read alone
                    long s = ArenaPlanner.slotBytes(batch.get(i).layer(), weights);
                    arena.commitWeights(at, s);
                    offsets[i] = at;
                    at += s;
                }
                Batch b = new Batch(batch, offsets, bytes, dst, (System.nanoTime() - t0) / 1e6, (CPU.getCurrentThreadCpuTime() - cpu0) / 1e6, null);
                long total = java.util.Arrays.stream(bytes).sum();
                if (verifier != null && total >= VERIFY_ELSEWHERE_BYTES) {
                    unverified.incrementAndGet();
                    toVerify.put(b);
                } else {
                    // a small batch's checksum costs less than waking the verifier; it goes through the verifier's
                    // queue only to keep its place behind batches still there
                    Batch done = verify(b);
                    if (unverified.get() == 0) deliver(done);
                    else {
                        unverified.incrementAndGet();
                        toVerify.put(done);
                    }
                }
                pos = next;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            // behind the batches still being verified, so that compute meets the error at its layer's turn
            Batch failed = new Batch(List.of(sequence.get((int) (pos % sequence.size()))), new long[0], new long[0], null, 0, 0, t);
            if (verifier == null) {
                deliver(failed);
            } else {
                unverified.incrementAndGet();
                toVerify.add(failed);
            }
        }
    }

    /**
     * A batch read by the loader, its checksums not yet checked (or {@code error} set: the read, or the check,
     * failed); times in ms, the loader's and then the verifier's.
     */
    private record Batch(List<Item> items, long[] offsets, long[] bytes, ByteBuffer dst, double ms, double cpuMs, Throwable error) {
        boolean checked() {
            return dst == null;
        }
    }

    /** Batches of at least this many bytes are checked by the verifier thread while the loader reads on. */
    static final long VERIFY_ELSEWHERE_BYTES = 256 << 10;

    /** The batch with its checksums checked (dst dropped, times grown by the check's), or its error. */
    private Batch verify(Batch b) {
        if (b.checked() || b.error() != null) return b;
        long t0 = System.nanoTime(), cpu0 = CPU.getCurrentThreadCpuTime();
        Throwable error = null;
        try {
            b.items().get(0).reader().verify(b.items().stream().map(Item::layer).toList(), b.dst());
        } catch (Throwable t) {
            error = t;
        }
        return new Batch(b.items(), b.offsets(), b.bytes(), null, b.ms() + (System.nanoTime() - t0) / 1e6,
                b.cpuMs() + (CPU.getCurrentThreadCpuTime() - cpu0) / 1e6, error);
    }

    /** Hands a checked batch's layers to compute, or its error; a batch's times are shared by its layers in proportion to their bytes. */
    private void deliver(Batch b) {
        if (b.error() != null) {
            ready.add(new Loaded(b.items().get(0), -1, 0, 0, 0, b.error()));
            return;
        }
        double total = java.util.Arrays.stream(b.bytes()).sum();
        for (int i = 0; i < b.items().size(); i++) {
            ready.add(new Loaded(b.items().get(i), b.offsets()[i], total == 0 ? 0 : b.ms() * b.bytes()[i] / total,
                    total == 0 ? 0 : b.cpuMs() * b.bytes()[i] / total, b.bytes()[i], null));
        }
    }

    /** The verifier thread: checks the loader's batches in order and hands them to compute; stops at the first error. */
    private void verifyLoop() {
        try {
            while (running) {
                Batch b = verify(toVerify.take());
                deliver(b);
                unverified.decrementAndGet();
                if (b.error() != null) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void stop() {
        running = false;
        thread.interrupt();
        if (verifier != null) verifier.interrupt();
        try {
            thread.join(5000);
            if (verifier != null) verifier.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
