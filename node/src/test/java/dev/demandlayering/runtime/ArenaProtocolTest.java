package dev.demandlayering.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.ShippedModel;
import dev.demandlayering.runtime.cpu.CpuBackend;
import dev.demandlayering.runtime.exec.Arena;
import dev.demandlayering.runtime.exec.Backend;
import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.exec.TensorRef;
import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.pack.PackFile;
import dev.demandlayering.runtime.plan.ArenaPlanner;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's side of the weight-arrival protocol a GPU arena relies on (stage, commit, await, compute,
 * release, and only then re-stage the range), checked on the CPU backend by recording every arena call while
 * a real model streams through its minimum arena.
 */
class ArenaProtocolTest {
    record Call(String what, long offset, long len, String thread) {
        boolean overlaps(Call o) {
            return offset < o.offset + o.len && o.offset < offset + len;
        }
    }

    /** The CPU backend, with every arena call recorded in order. */
    static final class Recording implements Backend {
        final CpuBackend cpu = new CpuBackend();
        final List<Call> calls = Collections.synchronizedList(new ArrayList<>());

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public boolean supports(dev.demandlayering.runtime.graph.Node node) {
            return cpu.supports(node);
        }

        @Override
        public Arena allocateArena(long bytes) {
            Arena a = cpu.allocateArena(bytes);
            return new Arena() {
                public long size() {
                    return a.size();
                }

                public ByteBuffer weightStaging(long offset, long len) {
                    log("stage", offset, len);
                    return a.weightStaging(offset, len);
                }

                public void commitWeights(long offset, long len) {
                    log("commit", offset, len);
                    a.commitWeights(offset, len);
                }

                public void awaitWeights(long offset, long len) {
                    log("await", offset, len);
                }

                public void releaseWeights(long offset, long len) {
                    log("release", offset, len);
                }

                public void write(long offset, float[] data) {
                    a.write(offset, data);
                }

                public float[] read(long offset, int count) {
                    return a.read(offset, count);
                }

                public void close() {
                    a.close();
                }

                Arena inner() {
                    return a;
                }
            };
        }

        void log(String what, long offset, long len) {
            calls.add(new Call(what, offset, len, Thread.currentThread().getName()));
        }

        @Override
        public void execute(Node node, Arena arena, TensorRef[] in, TensorRef[] out) {
            cpu.execute(node, (Arena) unwrap(arena), in, out);
        }
    }

    @Test
    void everyStreamedRangeIsCommittedAwaitedAndReleasedBeforeItIsRefilled(@TempDir Path tmp) throws Exception {
        ShippedModel model = ShippedModel.load("nanodet", tmp);
        PackFile pack = model.pack();
        Map<String, float[]> feeds = model.feeds();
        long min = ArenaPlanner.plan(List.of(pack.model()), ArenaPlanner.Request.of(0, ResidencyMode.NONE)).minimumBytes();

        Recording rec = new Recording();
        FrameResult streamed;
        try (Session s = Session.open(List.of(pack), Session.Options.of(min, ResidencyMode.NONE), rec)) {
            s.run(List.of(feeds));
            streamed = s.run(List.of(feeds));
        }
        FrameResult resident = Pipelines.run(pack, Session.Options.of(0, ResidencyMode.ALL), feeds);
        for (String o : pack.model().outputs()) assertArrayEquals(resident.outputs().get(0).get(o), streamed.outputs().get(0).get(o), o);

        List<Call> calls = List.copyOf(rec.calls);
        int streamedLayers = (int) pack.model().layers().stream().filter(l -> l.weightBytes() > 0).count();
        // ring ranges are released after their layer, slack slots after the layer that frees their bytes
        assertEquals(2L * streamedLayers, calls.stream().filter(c -> c.what().equals("release")).count(), "one release per streamed layer per frame");
        for (int i = 0; i < calls.size(); i++) {
            Call c = calls.get(i);
            if (c.what().equals("await")) {
                // the range was committed before compute waits for it
                int at = i;
                assertTrue(calls.subList(0, at).stream().anyMatch(p -> p.what().equals("commit") && p.offset() == c.offset() && p.len() == c.len()), c.toString());
            }
            if (c.what().equals("stage")) {
                // a range is refilled only once compute has released it after its last use of those bytes (a ring range
                // after its layer, a slack slot after the layer that last used its bytes as activations)
                int lastAwait = -1;
                for (int k = 0; k < i; k++) if (calls.get(k).what().equals("await") && calls.get(k).overlaps(c)) lastAwait = k;
                if (lastAwait >= 0) {
                    boolean released = false;
                    for (int k = lastAwait + 1; k < i && !released; k++) released = calls.get(k).what().equals("release") && calls.get(k).overlaps(c);
                    assertTrue(released, "range " + c + " re-staged while compute may still use it");
                }
            }
            if (c.what().equals("release")) assertTrue(!c.thread().equals("dlayer-loader"), "release comes from compute");
        }
    }

    private static Object unwrap(Arena a) {
        try {
            var mth = a.getClass().getDeclaredMethod("inner");
            mth.setAccessible(true);
            return mth.invoke(a);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
