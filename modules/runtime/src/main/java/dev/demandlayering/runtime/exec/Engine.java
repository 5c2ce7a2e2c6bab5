package dev.demandlayering.runtime.exec;

import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.graph.Shapes;
import dev.demandlayering.runtime.layers.Layer;
import dev.demandlayering.runtime.layers.LayeredModel;
import dev.demandlayering.runtime.layers.WeightPrecision;
import dev.demandlayering.runtime.pack.BlobReader;
import dev.demandlayering.runtime.pack.DirectIo;
import dev.demandlayering.runtime.pack.PackFile;
import dev.demandlayering.runtime.pack.PackFormatException;
import dev.demandlayering.runtime.plan.ArenaPlan;
import dev.demandlayering.runtime.plan.ArenaPlanner;
import dev.demandlayering.runtime.plan.SlackSlots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs planned models frame after frame in one arena: resident blobs are read once at start, streamed blobs
 * arrive through the {@link WeightLoader} while earlier layers compute, and each layer starts only when its
 * weights are in place. Frames are processed by the calling thread, one at a time.
 */
public final class Engine implements AutoCloseable {
    private final ArenaPlan plan;
    private final Backend backend;
    private final Arena arena;
    private final Region workspace;
    private final LayerClock clock;
    private final List<BlobReader> readers = new ArrayList<>();
    private final WeightRing ring;
    private final WeightLoader loader;
    /** Nodes whose kernel also runs the activation that follows them (the backend's epilogue fusion). */
    private final java.util.Set<Node> fusedWithNext = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    /** Per layer in frame order: the slack slots {offset, bytes} that the layer's completion frees for the loader, or null. */
    private final long[][][] opening;
    /** Per model: the index of its first layer in frame order. */
    private final int[] firstLayers;
    private boolean failed;

    /**
     * Loader options: O_DIRECT (auto: when the file system allows it), whether to verify blob checksums on every
     * load, and an optional read bandwidth cap in bytes per second (0: none) to emulate a slower disk.
     */
    public record Options(DirectIo directIo, boolean verifyChecksums, long diskBytesPerSecond) {
        /** {@code tryDirect}: O_DIRECT where possible (auto), else buffered reads. */
        public Options(boolean tryDirect, boolean verifyChecksums, long diskBytesPerSecond) {
            this(tryDirect ? DirectIo.AUTO : DirectIo.OFF, verifyChecksums, diskBytesPerSecond);
        }

        public static Options defaults() {
            return new Options(DirectIo.AUTO, true, 0);
        }

        public Options withDirectIo(DirectIo mode) {
            return new Options(mode, verifyChecksums, diskBytesPerSecond);
        }
    }

    public Engine(List<PackFile> packs, ArenaPlan plan, Backend backend, Options options) throws IOException {
        if (packs.size() != plan.models().size()) throw new IllegalArgumentException("plan has " + plan.models().size() + " models, got " + packs.size() + " packs");
        this.plan = plan;
        this.backend = backend;
        this.arena = backend.allocateArena(plan.arenaBytes());
        this.workspace = new Region(plan.workspaceOffset(), plan.workspaceBytes());
        this.clock = backend.layerClock(plan.models().stream().mapToInt(m -> m.model().layers().size()).max().orElse(0));
        for (ArenaPlan.ModelPlan mp : plan.models()) findFusions(mp.model());
        opening = new long[plan.models().stream().mapToInt(m -> m.model().layers().size()).sum()][][];
        firstLayers = new int[plan.models().size()];
        List<WeightLoader.Item> sequence = new ArrayList<>();
        int firstLayer = 0; // of the model in frame order, over all models
        try {
            for (int mi = 0; mi < packs.size(); firstLayer += plan.models().get(mi).model().layers().size(), mi++) {
                firstLayers[mi] = firstLayer;
                BlobReader reader = new BlobReader(packs.get(mi), options.directIo(), options.verifyChecksums(), options.diskBytesPerSecond(),
                        plan.weights());
                readers.add(reader);
                ArenaPlan.ModelPlan mp = plan.models().get(mi);
                for (Layer l : mp.model().layers()) {
                    if (mp.isResident(l.index())) {
                        long at = mp.residentOffsets()[l.index()];
                        long slot = ArenaPlanner.slotBytes(l, plan.weights());
                        reader.read(l, arena.weightStaging(at, slot));
                        arena.commitWeights(at, slot);
                        arena.awaitWeights(at, slot);
                    } else if (mp.isStreamed(l.index())) {
                        SlackSlots.Slot slot = mp.slack()[l.index()];
                        sequence.add(new WeightLoader.Item(mi, l, reader, firstLayer + l.index(), slot));
                        if (slot != null) {
                            long[][] was = opening[slot.opensAfter()];
                            long[][] now = was == null ? new long[1][] : Arrays.copyOf(was, was.length + 1);
                            now[now.length - 1] = new long[] {slot.offset(), ArenaPlanner.slotBytes(l, plan.weights())};
                            opening[slot.opensAfter()] = now;
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        if (sequence.isEmpty()) {
            ring = null;
            loader = null;
        } else {
            ring = new WeightRing(plan.ringBytes());
            loader = new WeightLoader(sequence, ring, arena, plan.ringOffset(), plan.prefetch(), plan.weights(), firstLayer);
            loader.start();
        }
    }

    /**
     * A node and the activation right after it in the same layer run as one kernel where the backend can, the
     * activation reads only that node's output, and nothing else (no other node, no model output) reads it.
     */
    private void findFusions(LayeredModel m) {
        Map<String, Integer> readers = new HashMap<>();
        for (Layer l : m.layers()) for (Node n : l.nodes()) for (String t : n.inputs()) readers.merge(t, 1, Integer::sum);
        for (String o : m.outputs()) readers.merge(o, 1, Integer::sum);
        for (Layer l : m.layers()) {
            List<Node> nodes = l.nodes();
            for (int i = 0; i + 1 < nodes.size(); i++) {
                Node n = nodes.get(i), next = nodes.get(i + 1);
                if (n.outputs().size() == 1 && next.inputs().size() == 1 && next.inputs().get(0).equals(n.outputs().get(0))
                        && readers.getOrDefault(n.outputs().get(0), 0) == 1 && backend.fusesActivation(n, next)) {
                    fusedWithNext.add(n);
                    i++;
                }
            }
        }
    }

    public ArenaPlan plan() {
        return plan;
    }

    public Backend backend() {
        return backend;
    }

    /** True when every pack is read with O_DIRECT (bypassing the page cache). */
    public boolean directIo() {
        return !readers.isEmpty() && readers.stream().allMatch(BlobReader::isDirect);
    }

    /** Runs every model on its inputs (one map per model, tensor name to values). */
    public FrameResult run(List<Map<String, float[]>> inputs) {
        if (failed) throw new IllegalStateException("the engine stopped after an earlier error; create a new one");
        if (inputs.size() != plan.models().size()) {
            throw new IllegalArgumentException("expected inputs for " + plan.models().size() + " models, got " + inputs.size());
        }
        for (int mi = 0; mi < inputs.size(); mi++) validateInputs(plan.models().get(mi).model(), inputs.get(mi));
        long frameStart = System.nanoTime();
        List<LayerStats> stats = new ArrayList<>();
        List<Map<String, float[]>> outputs = new ArrayList<>();
        double[] modelMs = new double[inputs.size()];
        long bytesRead = 0;
        double stall = 0;
        if (ring != null) ring.highWaterAndReset();
        try {
            for (int mi = 0; mi < inputs.size(); mi++) {
                long modelStart = System.nanoTime();
                ArenaPlan.ModelPlan mp = plan.models().get(mi);
                for (Map.Entry<String, float[]> e : inputs.get(mi).entrySet()) arena.write(mp.tensorOffsets().get(e.getKey()), e.getValue());
                List<LayerStats> submitted = new ArrayList<>();
                for (Layer l : mp.model().layers()) {
                    LayerStats s = runLayer(mi, mp, l);
                    submitted.add(s);
                    bytesRead += s.bytesRead();
                    stall += s.waitMs();
                }
                backend.synchronize();
                // compute times are the device's, known once its work is done
                for (LayerStats s : submitted) {
                    stats.add(new LayerStats(s.model(), s.layer(), s.name(), s.kind(), s.weightBytes(), s.resident(), s.loadMs(), s.waitMs(),
                            clock.elapsedMs(s.layer()), s.bytesRead(), s.loadCpuMs()));
                }
                Map<String, float[]> out = new LinkedHashMap<>();
                for (String o : mp.model().outputs()) {
                    out.put(o, arena.read(mp.tensorOffsets().get(o), (int) Shapes.size(mp.model().activationShapes().get(o))));
                }
                outputs.add(out);
                modelMs[mi] = (System.nanoTime() - modelStart) / 1e6;
            }
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
        double latency = (System.nanoTime() - frameStart) / 1e6;
        long ringPeak = ring == null ? 0 : ring.highWaterAndReset();
        long peak = plan.residentBytes() + plan.activationBytes() + plan.workspaceBytes() + ringPeak;
        FrameStats fs = new FrameStats(plan.arenaBytes(), peak, plan.residentBytes(), plan.streamedWeightBytes(), plan.totalWeightBytes(),
                bytesRead, latency, stall, modelMs, stats);
        return new FrameResult(outputs, fs);
    }

    private LayerStats runLayer(int mi, ArenaPlan.ModelPlan mp, Layer l) {
        long base;
        double loadMs = 0, waitMs = 0, loadCpuMs = 0;
        long bytes = 0;
        boolean streamed = mp.isStreamed(l.index());
        if (streamed) {
            long t0 = System.nanoTime();
            WeightLoader.Loaded got;
            try {
                got = loader.next();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for weights of layer " + l.index(), e);
            }
            waitMs = (System.nanoTime() - t0) / 1e6;
            if (got.error() != null) {
                Throwable err = got.error();
                if (err instanceof PackFormatException p) throw p;
                if (err instanceof IOException io) throw new UncheckedIOException(io.getMessage(), io);
                throw new IllegalStateException("loader failed on layer " + got.item().layer().index() + ": " + err, err);
            }
            if (got.item().model() != mi || got.item().layer().index() != l.index()) {
                throw new IllegalStateException("loader out of step: expected model " + mi + " layer " + l.index() + ", got model "
                        + got.item().model() + " layer " + got.item().layer().index());
            }
            base = got.offset();
            loadMs = got.loadMs();
            loadCpuMs = got.cpuMs();
            bytes = got.bytes();
            arena.awaitWeights(base, ArenaPlanner.slotBytes(l, plan.weights()));
        } else {
            base = mp.residentOffsets()[l.index()];
        }
        Map<String, TensorRef> weights = new HashMap<>();
        // a float16 blob holds the same tensors at half the offsets
        WeightPrecision precision = plan.weights();
        for (Layer.WeightRef w : l.weights()) weights.put(w.name(), new TensorRef(base + precision.of(w.offset()), w.shape(), precision.isHalf()));
        clock.start(l.index());
        List<Node> nodes = l.nodes();
        for (int k = 0; k < nodes.size(); k++) {
            Node n = nodes.get(k);
            Node activation = fusedWithNext.contains(n) ? nodes.get(++k) : null;
            TensorRef[] in = new TensorRef[n.inputs().size()];
            for (int i = 0; i < in.length; i++) {
                String name = n.inputs().get(i);
                TensorRef w = weights.get(name);
                in[i] = w != null ? w : new TensorRef(mp.tensorOffsets().get(name), mp.model().activationShapes().get(name));
            }
            Node writer = activation != null ? activation : n;
            TensorRef[] out = new TensorRef[writer.outputs().size()];
            for (int i = 0; i < out.length; i++) {
                String name = writer.outputs().get(i);
                out[i] = new TensorRef(mp.tensorOffsets().get(name), mp.model().activationShapes().get(name));
            }
            if (activation == null) {
                backend.execute(n, arena, in, out, workspace);
            } else {
                backend.execute(n, activation, arena, in, out, workspace);
            }
        }
        clock.stop(l.index());
        if (streamed && mp.slack()[l.index()] == null) {
            // no host wait: the arena orders the next copy into this range after the work just submitted
            arena.releaseWeights(base, ArenaPlanner.slotBytes(l, plan.weights()));
            ring.release();
        }
        if (loader != null) {
            // the same ordering for the idle activation bytes this layer was the last to use
            long[][] freed = opening[firstLayers[mi] + l.index()];
            if (freed != null) for (long[] r : freed) arena.releaseWeights(r[0], r[1]);
            loader.layerDone();
        }
        return new LayerStats(mi, l.index(), l.name(), l.kind(), l.weightBytes(), mp.isResident(l.index()), loadMs, waitMs, Double.NaN, bytes, loadCpuMs);
    }

    private static void validateInputs(LayeredModel m, Map<String, float[]> given) {
        for (Map.Entry<String, int[]> e : m.inputs().entrySet()) {
            float[] v = given.get(e.getKey());
            if (v == null) {
                throw new IllegalArgumentException("model '" + m.name() + "' needs input '" + e.getKey() + "' of shape "
                        + Arrays.toString(e.getValue()) + "; given " + given.keySet());
            }
            long need = Shapes.size(e.getValue());
            if (v.length != need) {
                throw new IllegalArgumentException("input '" + e.getKey() + "' of model '" + m.name() + "' needs shape "
                        + Arrays.toString(e.getValue()) + " (" + need + " values), got " + v.length + " values");
            }
        }
        for (String k : given.keySet()) {
            if (!m.inputs().containsKey(k)) throw new IllegalArgumentException("model '" + m.name() + "' has no input '" + k + "'; inputs are " + m.inputs().keySet());
        }
    }

    @Override
    public void close() {
        if (loader != null) loader.stop();
        for (BlobReader r : readers) {
            try {
                r.close();
            } catch (IOException ignored) {
                // closing a read-only channel cannot lose data
            }
        }
        if (clock != null) clock.close();
        arena.close();
    }
}
