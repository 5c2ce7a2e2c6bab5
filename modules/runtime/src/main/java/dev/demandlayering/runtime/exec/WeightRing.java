package dev.demandlayering.runtime.exec;

import dev.demandlayering.runtime.plan.RingAllocator;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The ring allocator shared by the loader (allocates, blocking for space) and compute (releases). A loader that
 * found the ring full is woken only once a quarter of the ring (at least its range) is free again: one wake-up
 * then serves several layers (read in one request where they follow each other), instead of the loader
 * preempting compute after every released layer. A ring too small for that wakes it for each range, as before.
 */
final class WeightRing {
    private final RingAllocator ring;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    /** Free bytes the waiting loader wants before it is woken; 0 when it is not waiting. */
    private long wanted;

    WeightRing(long bytes) {
        ring = new RingAllocator(bytes);
    }

    long allocate(long len) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long off = ring.tryAllocate(len);
            if (off >= 0) return off;
            wanted = Math.max(len, ring.size() / 4);
            try {
                while ((off = ring.size() - ring.usedBytes() >= wanted ? ring.tryAllocate(len) : -1) < 0) {
                    // the free bytes may be split by the wrap: wait for less, down to the range itself
                    if (ring.size() - ring.usedBytes() >= wanted) wanted = len;
                    freed.await();
                }
                return off;
            } finally {
                wanted = 0;
            }
        } finally {
            lock.unlock();
        }
    }

    /** A range of {@code len} bytes if one is free now, else -1 (never waits). */
    long tryAllocate(long len) {
        lock.lock();
        try {
            return ring.tryAllocate(len);
        } finally {
            lock.unlock();
        }
    }

    void release() {
        lock.lock();
        try {
            ring.releaseOldest();
            if (wanted > 0 && ring.size() - ring.usedBytes() >= wanted) freed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    long highWaterAndReset() {
        lock.lock();
        try {
            long h = ring.highWater();
            ring.resetHighWater();
            return h;
        } finally {
            lock.unlock();
        }
    }
}
