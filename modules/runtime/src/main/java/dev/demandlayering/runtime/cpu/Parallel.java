package dev.demandlayering.runtime.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The CPU backend's one pool: splits independent work items across the machine's cores. The calling thread works
 * too, beside one helper thread per other core; items are claimed one at a time from a shared counter. Each item
 * writes its own outputs, so the result does not depend on who runs which item (outputs are deterministic).
 * <p>
 * A network runs hundreds of short kernels a frame, so waking parked threads for each would cost more than small
 * kernels take: helpers spin for {@link #SPIN_NANOS} after a job before they park, and the caller never parks.
 * OpenBLAS runs single-threaded inside these items ({@link NativeBlas}), so there is no second pool.
 */
final class Parallel {
    private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static final long SPIN_NANOS = 100_000;
    /** One job at a time; a second caller (another engine's thread) runs its items itself rather than wait. */
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Thread[] HELPERS = new Thread[THREADS - 1];
    private static volatile Job current;

    static {
        for (int i = 0; i < HELPERS.length; i++) {
            HELPERS[i] = new Thread(Parallel::help, "dlayer-cpu-" + (i + 1));
            HELPERS[i].setDaemon(true);
            HELPERS[i].start();
        }
    }

    private Parallel() {
    }

    /** How many threads share the work. */
    static int threads() {
        return THREADS;
    }

    static void forEach(int count, IntConsumer body) {
        if (count <= 1 || THREADS == 1 || LOCK.isHeldByCurrentThread() || !LOCK.tryLock()) {
            for (int i = 0; i < count; i++) body.accept(i);
            return;
        }
        try {
            Job job = new Job(body, count);
            current = job;
            for (Thread h : HELPERS) LockSupport.unpark(h);
            job.work();
            // the helpers are finishing their last items: spin, and give the core away if one was preempted
            long waitStart = System.nanoTime();
            while (job.finished.get() < count) {
                if (System.nanoTime() - waitStart < SPIN_NANOS) Thread.onSpinWait();
                else Thread.yield();
            }
            current = null;
            if (job.error instanceof RuntimeException r) throw r;
            if (job.error instanceof Error e) throw e;
            if (job.error != null) throw new IllegalStateException(job.error);
        } finally {
            LOCK.unlock();
        }
    }

    private static void help() {
        Job last = null;
        while (true) {
            Job job = current;
            long spinStart = System.nanoTime();
            while (job == null || job == last) {
                if (System.nanoTime() - spinStart < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park();
                    spinStart = System.nanoTime();
                }
                job = current;
            }
            job.work();
            last = job;
        }
    }

    /** One forEach call's items. */
    private static final class Job {
        final IntConsumer body;
        final int count;
        final AtomicInteger next = new AtomicInteger(), finished = new AtomicInteger();
        volatile Throwable error;

        Job(IntConsumer body, int count) {
            this.body = body;
            this.count = count;
        }

        void work() {
            for (int i; (i = next.getAndIncrement()) < count; ) {
                try {
                    if (error == null) body.accept(i);
                } catch (Throwable t) {
                    error = t;
                } finally {
                    finished.incrementAndGet();
                }
            }
        }
    }
}
