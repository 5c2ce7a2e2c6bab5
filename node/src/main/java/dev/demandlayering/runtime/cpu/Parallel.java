package dev.demandlayering.runtime.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * Splits independent work items across the machine's cores. Each item writes its own outputs, so the result
 * does not depend on how the items are split (outputs are deterministic).
 */
final class Parallel {
    private static final ForkJoinPool POOL = new ForkJoinPool(Math.max(1, Runtime.getRuntime().availableProcessors()));

    private Parallel() {
    }

    /** How many threads share the work. */
    static int threads() {
        return POOL.getParallelism();
    }

    static void forEach(int count, IntConsumer body) {
        if (count <= 1 || POOL.getParallelism() == 1) {
            for (int i = 0; i < count; i++) body.accept(i);
            return;
        }
        POOL.invoke(new Range(body, 0, count));
    }

    private static final class Range extends RecursiveAction {
        private final IntConsumer body;
        private final int lo, hi;

        Range(IntConsumer body, int lo, int hi) {
            this.body = body;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected void compute() {
            if (hi - lo <= 1) {
                for (int i = lo; i < hi; i++) body.accept(i);
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Range(body, lo, mid), new Range(body, mid, hi));
        }
    }
}
