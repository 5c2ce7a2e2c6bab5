package dev.demandlayering.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The CPU backend's pool: every item once, failures reach the caller, nesting and concurrent callers work. */
class ParallelTest {
    @Test
    void everyItemRunsExactlyOnceOnTheCallerAndTheHelpers() {
        for (int count : new int[] {0, 1, 2, 3, 17, 1000}) {
            AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(1, count));
            Parallel.forEach(count, i -> runs.incrementAndGet(i));
            for (int i = 0; i < count; i++) assertEquals(1, runs.get(i), "item " + i + " of " + count);
        }
        ConcurrentHashMap<String, Boolean> threads = new ConcurrentHashMap<>();
        for (int round = 0; round < 50 && threads.size() < Math.min(2, Parallel.threads()); round++) {
            Parallel.forEach(64, i -> {
                threads.put(Thread.currentThread().getName(), true);
                busy();
            });
        }
        assertEquals(Math.min(2, Parallel.threads()), Math.min(2, threads.size()), "work shared across threads: " + threads.keySet());
    }

    @Test
    void aFailingItemFailsTheCallAndThePoolKeepsWorking() {
        IllegalArgumentException boom = new IllegalArgumentException("item 7");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallel.forEach(100, i -> {
            if (i == 7) throw boom;
        }));
        assertSame(boom, e);
        StackOverflowError error = new StackOverflowError("deep");
        assertSame(error, assertThrows(StackOverflowError.class, () -> Parallel.forEach(10, i -> {
            if (i == 3) throw error;
        })));
        AtomicIntegerArray runs = new AtomicIntegerArray(10);
        Parallel.forEach(10, runs::incrementAndGet);
        for (int i = 0; i < 10; i++) assertEquals(1, runs.get(i));
    }

    @Test
    void nestedAndConcurrentCallsComplete() throws Exception {
        AtomicIntegerArray runs = new AtomicIntegerArray(8 * 8);
        Parallel.forEach(8, i -> Parallel.forEach(8, j -> runs.incrementAndGet(i * 8 + j)));
        for (int i = 0; i < runs.length(); i++) assertEquals(1, runs.get(i), "nested item " + i);
        AtomicIntegerArray a = new AtomicIntegerArray(5000), b = new AtomicIntegerArray(5000);
        Thread other = new Thread(() -> {
            for (int r = 0; r < 20; r++) {
                int round = r;
                Parallel.forEach(250, i -> a.incrementAndGet(round * 250 + i));
            }
        });
        other.start();
        for (int r = 0; r < 20; r++) {
            int round = r;
            Parallel.forEach(250, i -> b.incrementAndGet(round * 250 + i));
        }
        other.join();
        for (int i = 0; i < 5000; i++) assertTrue(a.get(i) == 1 && b.get(i) == 1, "item " + i);
    }

    private static void busy() {
        long until = System.nanoTime() + 20_000;
        while (System.nanoTime() < until) Thread.onSpinWait();
    }
}
