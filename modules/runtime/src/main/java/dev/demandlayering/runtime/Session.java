package dev.demandlayering.runtime;

import dev.demandlayering.runtime.exec.Backend;
import dev.demandlayering.runtime.exec.Engine;
import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.exec.FrameStats;
import dev.demandlayering.runtime.exec.LayerStats;
import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.graph.Shapes;
import dev.demandlayering.runtime.layers.Layer;
import dev.demandlayering.runtime.layers.LayeredModel;
import dev.demandlayering.runtime.layers.WeightPrecision;
import dev.demandlayering.runtime.pack.PackFile;
import dev.demandlayering.runtime.plan.ArenaPlan;
import dev.demandlayering.runtime.plan.ArenaPlanner;
import dev.demandlayering.runtime.plan.LayerCost;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's front door: plans packs into one arena (profiling first when the trade-off needs layer
 * costs) and runs frames. Knows nothing of ROS or of any particular backend.
 */
public final class Session implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    private Engine engine;
    private Map<String, LayerCost> profile;
    private final List<PackFile> packs;
    private final Options opts;
    private final Backend backend;
    private final DriftMonitor drift;
    private double predictedMs;
    private int replans;

    private Session(Engine engine, Map<String, LayerCost> profile, List<PackFile> packs, Options opts, Backend backend) {
        this.engine = engine;
        this.profile = profile;
        this.packs = packs;
        this.opts = opts;
        this.backend = backend;
        // only a trade-off plan rests on measured costs that can drift
        this.drift = profile != null && opts.plannedMode() == ResidencyMode.AUTO ? new DriftMonitor(profile) : null;
        this.predictedMs = engine.plan().predictedFrameMs();
    }

    /**
     * Arena and loader settings; {@link #builder()} names each one and its default. {@code budget} 0 means none
     * was given: the planner sizes the arena, and the trade-off ({@code AUTO}), which has nothing to trade without
     * one, plans the minimum arena ({@link #plannedMode()}). {@code costs}, when not null, are per-layer times
     * ("model/layer" keys) the trade-off uses instead of profiling; otherwise the profile runs at least {@code
     * profileFrames} frames ({@link #profile}). {@code weights} is the precision of the blobs streamed and kept:
     * float16 halves the weight bytes in the arena and on the disk, at float16's precision.
     */
    public record Options(long budget, ResidencyMode mode, boolean prefetch, Engine.Options io, int profileFrames,
                          Map<String, LayerCost> costs, WeightPrecision weights) {
        /** Frames the trade-off's profile runs at least (it runs on until they settle: {@link #profile}). */
        public static final int DEFAULT_PROFILE_FRAMES = 2;

        public Options {
            if (budget < 0) throw new IllegalArgumentException("arena budget must be 0 (none) or a positive number of bytes, got " + budget);
            if (mode == null || io == null || weights == null) throw new IllegalArgumentException("residency mode, I/O options and weight precision are required");
            if (profileFrames < 1) throw new IllegalArgumentException("profile frames must be at least 1, got " + profileFrames);
        }

        public static Options of(long budget, ResidencyMode mode) {
            return builder().budget(budget).mode(mode).build();
        }

        public static Builder builder() {
            return new Builder();
        }

        /** A builder holding these options, to change some of them. */
        public Builder toBuilder() {
            return new Builder().budget(budget).mode(mode).prefetch(prefetch).io(io).profileFrames(profileFrames).costs(costs).weights(weights);
        }

        /** The same options with per-layer costs supplied (no profiling when the session opens). */
        public Options withCosts(Map<String, LayerCost> layerCosts) {
            return toBuilder().costs(layerCosts).build();
        }

        /** The same options with weights in {@code precision}. */
        public Options withWeights(WeightPrecision precision) {
            return toBuilder().weights(precision).build();
        }

        /** The mode the planner is asked for: the trade-off without a budget is the minimum-memory plan ({@code NONE}). */
        public ResidencyMode plannedMode() {
            return mode == ResidencyMode.AUTO && budget == 0 ? ResidencyMode.NONE : mode;
        }

        /** {@link Options} by name; every setting has its default. */
        public static final class Builder {
            private long budget;
            private ResidencyMode mode = ResidencyMode.NONE;
            private boolean prefetch = true;
            private Engine.Options io = Engine.Options.defaults();
            private int profileFrames = DEFAULT_PROFILE_FRAMES;
            private Map<String, LayerCost> costs;
            private WeightPrecision weights = WeightPrecision.FP32;

            private Builder() {
            }

            /** Arena bytes; 0 (the default): none given. */
            public Builder budget(long bytes) {
                budget = bytes;
                return this;
            }

            /** Which layers stay resident; default {@code NONE} (every layer streamed). */
            public Builder mode(ResidencyMode m) {
                mode = m;
                return this;
            }

            /** Whether the loader runs ahead of compute; default true (false: load, then compute, per layer). */
            public Builder prefetch(boolean on) {
                prefetch = on;
                return this;
            }

            /** The loader's I/O settings; default {@link Engine.Options#defaults()}. */
            public Builder io(Engine.Options options) {
                io = options;
                return this;
            }

            /** Frames the trade-off's profile runs at least; default {@link #DEFAULT_PROFILE_FRAMES}. */
            public Builder profileFrames(int frames) {
                profileFrames = frames;
                return this;
            }

            /** Per-layer costs for the trade-off instead of a profile; default none (profile when needed). */
            public Builder costs(Map<String, LayerCost> layerCosts) {
                costs = layerCosts;
                return this;
            }

            /** The weights' precision; default float32. */
            public Builder weights(WeightPrecision precision) {
                weights = precision;
                return this;
            }

            public Options build() {
                return new Options(budget, mode, prefetch, io, profileFrames, costs, weights);
            }
        }
    }

    /**
     * The unbudgeted plan of these models on this backend ({@code NONE}: the minimum arena; {@code ALL}: fully
     * resident), for sizing budgets.
     */
    public static ArenaPlan sizing(List<LayeredModel> models, Backend backend, ResidencyMode mode, WeightPrecision weights) {
        Options opts = Options.builder().mode(mode).weights(weights).build();
        return ArenaPlanner.plan(models, request(models, backend, opts, 0, mode, true, null));
    }

    /** A planner request for these options on this backend: its workspace and the weights' precision included. */
    static ArenaPlanner.Request request(List<LayeredModel> models, Backend backend, Options opts, long budget, ResidencyMode mode, boolean prefetch,
                                       Map<String, LayerCost> costs) {
        return new ArenaPlanner.Request(budget, mode, prefetch, costs, backend.workspaceBytes(models, opts.weights()), opts.weights());
    }

    /**
     * Plans the packs into one arena and opens the engine. The trade-off ({@code AUTO}) below the fully resident
     * size rests on per-layer costs: the options' own, or a profile run here first.
     */
    public static Session open(List<PackFile> packs, Options opts, Backend backend) throws IOException {
        List<LayeredModel> models = packs.stream().map(PackFile::model).toList();
        requireKernels(models, backend);
        ResidencyMode mode = opts.plannedMode();
        Map<String, LayerCost> costs = null;
        if (mode == ResidencyMode.AUTO) {
            ArenaPlan probe = ArenaPlanner.plan(models, request(models, backend, opts, opts.budget(), ResidencyMode.NONE, true, null));
            if (opts.budget() < probe.fullyResidentBytes()) costs = opts.costs() != null ? opts.costs() : profile(packs, models, backend, opts);
        }
        ArenaPlan plan = ArenaPlanner.plan(models, request(models, backend, opts, opts.budget(), mode, opts.prefetch(), costs));
        return new Session(new Engine(packs, plan, backend, opts.io()), costs, packs, opts, backend);
    }

    /** Refuses, before anything is planned or read, a model with an operator this backend has no kernel for. */
    static void requireKernels(List<LayeredModel> models, Backend backend) {
        for (LayeredModel m : models) {
            for (Layer l : m.layers()) {
                for (Node n : l.nodes()) {
                    if (!backend.supports(n)) {
                        throw new UnsupportedOperatorException("the " + backend.name() + " backend has no kernel for " + n.describe() + " in layer " + l.index()
                                + " ('" + l.name() + "') of model '" + m.name() + "'; run the model on a backend that has one (backend cpu runs every operator)");
                    }
                }
            }
        }
    }

    /**
     * Measures each layer's load and compute time with a sequential run (load, then compute, no overlap) at the
     * minimum arena, on zero inputs, until the frames have settled (see {@link #settled}), and takes each layer's
     * median over the last {@link #SETTLED_FRAMES} frames. The first seconds of frames run while the JIT is still
     * compiling the kernels: the last of two frames made YOLOv3-tiny's layers 2.2x slower than they run, and a
     * trade-off predicted 153 ms where its frames took 72 (settled: 66 ms predicted, 70 measured).
     */
    static Map<String, LayerCost> profile(List<PackFile> packs, List<LayeredModel> models, Backend backend, Options opts) throws IOException {
        ArenaPlan seq = ArenaPlanner.plan(models, request(models, backend, opts, 0, ResidencyMode.NONE, false, null));
        List<FrameStats> frames = new ArrayList<>();
        try (Engine e = new Engine(packs, seq, backend, opts.io())) {
            long start = System.nanoTime();
            double elapsedMs = 0;
            while (elapsedMs < PROFILE_MAX_MS && frames.size() < PROFILE_MAX_FRAMES
                    && (frames.size() < Math.max(1, opts.profileFrames()) || elapsedMs < PROFILE_MIN_MS || !settled(frames))) {
                frames.add(e.run(zeroInputs(models)).stats());
                elapsedMs = (System.nanoTime() - start) / 1e6;
            }
        }
        return layerCosts(frames.subList(Math.max(0, frames.size() - SETTLED_FRAMES), frames.size()), backend.loaderCpuShare());
    }

    /**
     * Each layer's median load and compute time over frames of one plan, keyed as the planner keys costs, and the
     * compute time its read takes while they overlap: the loader's CPU time for it times {@code loaderCpuShare}
     * ({@link Backend#loaderCpuShare}).
     */
    public static Map<String, LayerCost> layerCosts(List<FrameStats> frames, double loaderCpuShare) {
        Map<String, LayerCost> costs = new HashMap<>();
        for (int i = 0; i < frames.get(0).layers().size(); i++) {
            LayerStats s = frames.get(0).layers().get(i);
            double[] load = new double[frames.size()], compute = new double[frames.size()], cpu = new double[frames.size()];
            for (int f = 0; f < frames.size(); f++) {
                load[f] = frames.get(f).layers().get(i).loadMs();
                compute[f] = frames.get(f).layers().get(i).computeMs();
                cpu[f] = frames.get(f).layers().get(i).loadCpuMs();
            }
            costs.put(ArenaPlanner.key(s.model(), s.layer()), new LayerCost(median(load), median(compute), median(cpu) * loaderCpuShare));
        }
        return costs;
    }

    /** The profile's bounds: frames of a small model take milliseconds, a large model's a second. */
    static final double PROFILE_MIN_MS = 1000, PROFILE_MAX_MS = 6000;
    static final int PROFILE_MAX_FRAMES = 300, SETTLED_FRAMES = 5;

    /** Whether the last {@link #SETTLED_FRAMES} frames' median is within 3% of the median of the ones before them. */
    private static boolean settled(List<FrameStats> frames) {
        int n = frames.size();
        if (n < 2 * SETTLED_FRAMES) return false;
        double recent = median(frames.subList(n - SETTLED_FRAMES, n).stream().mapToDouble(FrameStats::latencyMs).toArray());
        double before = median(frames.subList(n - 2 * SETTLED_FRAMES, n - SETTLED_FRAMES).stream().mapToDouble(FrameStats::latencyMs).toArray());
        return Math.abs(recent - before) <= 0.03 * recent;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    public static List<Map<String, float[]>> zeroInputs(List<LayeredModel> models) {
        List<Map<String, float[]>> in = new ArrayList<>();
        for (LayeredModel m : models) {
            Map<String, float[]> one = new LinkedHashMap<>();
            m.inputs().forEach((k, v) -> one.put(k, new float[(int) Shapes.size(v)]));
            in.add(one);
        }
        return in;
    }

    public FrameResult run(List<Map<String, float[]>> inputs) {
        FrameResult r = engine.run(inputs);
        if (drift != null && drift.observe(r.stats(), predictedMs)) replan();
        return r;
    }

    /**
     * The measured figures left the plan's prediction: plan again with the running estimates, and switch to the
     * new plan between frames when it keeps other layers resident (same arena size, so memory stays within the budget).
     */
    private void replan() {
        List<LayeredModel> models = packs.stream().map(PackFile::model).toList();
        Map<String, LayerCost> costs = drift.estimates();
        ArenaPlan next = ArenaPlanner.plan(models, request(models, backend, opts, opts.budget(), opts.plannedMode(), opts.prefetch(), costs));
        ArenaPlan now = engine.plan();
        profile = costs;
        predictedMs = next.predictedFrameMs();
        if (sameResidency(now, next)) return;
        // the old arena goes before the new one is allocated: memory never holds two
        engine.close();
        try {
            engine = new Engine(packs, next, backend, opts.io());
            replans++;
            LOG.info("re-planned after the measured frame time left the prediction: {} resident layers (was {}), predicted {} ms",
                    next.residentLayerCount(), now.residentLayerCount(), String.format(java.util.Locale.ROOT, "%.1f", next.predictedFrameMs()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("re-planning failed, back to the previous plan: {}", e.getMessage());
            try {
                engine = new Engine(packs, now, backend, opts.io());
            } catch (IOException io) {
                throw new java.io.UncheckedIOException("re-opening the previous plan after a failed re-plan", io);
            }
        }
    }

    /** The frame latency the current plan predicts (NaN when the plan was not made from costs). */
    public double predictedFrameMs() {
        return predictedMs;
    }

    private static boolean sameResidency(ArenaPlan a, ArenaPlan b) {
        if (a.models().size() != b.models().size() || a.ringBytes() != b.ringBytes()) return false;
        for (int m = 0; m < a.models().size(); m++) {
            int layers = a.models().get(m).model().layers().size();
            for (int l = 0; l < layers; l++) if (a.models().get(m).isResident(l) != b.models().get(m).isResident(l)) return false;
        }
        return true;
    }

    /** How many times the session switched plans because the measured costs drifted from the planned ones. */
    public int replans() {
        return replans;
    }

    /** The models this session runs, in order. */
    public List<LayeredModel> models() {
        return packs.stream().map(PackFile::model).toList();
    }

    public ArenaPlan plan() {
        return engine.plan();
    }

    /** Whether weights are read with O_DIRECT (cold reads) rather than through the page cache. */
    public boolean directIo() {
        return engine.directIo();
    }

    /** The per-layer costs the trade-off planned with (measured or supplied), or null when it did not need them. */
    public Map<String, LayerCost> profile() {
        return profile;
    }

    @Override
    public void close() {
        engine.close();
    }
}
