package dev.demandlayering.runtime.exec;

import dev.demandlayering.runtime.plan.RingAllocator;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** The ring allocator shared by the loader (allocates, blocking for space) and compute (releases). */
final class WeightRing {
    private final RingAllocator ring;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();

    WeightRing(long bytes) {
        ring = new RingAllocator(bytes);
    }

    long allocate(long len) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long off;
            while ((off = ring.tryAllocate(len)) < 0) freed.await();
            return off;
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
            freed.signalAll();
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
