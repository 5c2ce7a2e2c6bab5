package dev.demandlayering.cli;

import dev.demandlayering.runtime.ModelImporter;
import dev.demandlayering.runtime.Session;
import dev.demandlayering.runtime.exec.Backend;
import dev.demandlayering.runtime.exec.Engine;
import dev.demandlayering.runtime.exec.FrameStats;
import dev.demandlayering.runtime.layers.LayerBuilder;
import dev.demandlayering.runtime.layers.WeightPrecision;
import dev.demandlayering.runtime.pack.PackFile;
import dev.demandlayering.runtime.pack.PackWriter;
import dev.demandlayering.runtime.plan.ArenaPlan;
import dev.demandlayering.runtime.plan.ArenaPlanner;
import dev.demandlayering.runtime.plan.LayerCost;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * {@code dlayer bench --paper}: the paper's DNN set (Darknet cfgs, seeded random weights, the cfgs' input sizes)
 * fully preloaded, sequential and pipelined at the minimum arena, along the memory-delay trade-off, with
 * ahead-distance-only streaming at the same memory as one trade-off point, and tiled below the largest layer, all
 * open at once and timed frame by frame in turn ({@link InterleavedTiming}); written as a Markdown report beside
 * the paper's averages, with a plot of the curves.
 */
final class PaperBench {
    /**
     * @param predictedMs the planner's prediction with the costs it profiled when the session opened (trade-off points)
     * @param modelMs the same pipeline model of the same plan with each layer's costs from the sequential configuration's
     *     frames, timed in the same rounds (null where there is no prediction, or in figures saved before it was kept)
     */
    record Point(String net, String config, long arenaBytes, long peakBytes, long activationBytes, double medianMs, double stallMs, long bytesRead,
                 boolean directIo, double predictedMs, Double modelMs) {
        /** Memory holding weights at the peak: resident blobs and the ring's high-water mark. */
        long weightBytes() {
            return peakBytes - activationBytes;
        }
    }

    static final double[] FRACTIONS = {0.1, 0.25, 0.5, 0.75};
    static final String FP16 = ", fp16 weights";
    static final String FP16_MINIMUM = "demand layering, minimum arena" + FP16;
    static final String SEQUENTIAL = "sequential, minimum arena";

    private final Backend backend;
    private final int frames;
    private final long diskBandwidth;
    private final Path work;

    PaperBench(Backend backend, int frames, long diskBandwidth, Path work) {
        this.backend = backend;
        this.frames = frames;
        this.diskBandwidth = diskBandwidth;
        this.work = work;
    }

    List<Point> measure(Path cfg) throws Exception {
        String net = cfg.getFileName().toString().replaceFirst("\\.cfg$", "");
        LayerBuilder.Result built = ModelImporter.importDarknet(cfg, null, 1);
        Path packFile = work.resolve(net + ".dlp");
        PackWriter.write(built, packFile, true);
        PackFile pack = PackFile.open(packFile);
        long largest = pack.model().largestLayerBytes();
        Path tiledFile = work.resolve(net + "-tiled.dlp");
        PackWriter.write(ModelImporter.importDarknet(cfg, null, 1, Math.max(1L << 20, largest / 4)), tiledFile, true);
        PackFile tiled = PackFile.open(tiledFile);
        int[] s = pack.model().inputs().get("input");
        float[] x = new float[s[1] * s[2] * s[3]];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        List<Map<String, float[]>> in = List.of(Map.of("input", x));
        ArenaPlan min = Session.sizing(List.of(pack.model()), backend, ResidencyMode.NONE, WeightPrecision.FP32);
        ArenaPlan all = Session.sizing(List.of(pack.model()), backend, ResidencyMode.ALL, WeightPrecision.FP32);
        try (InterleavedTiming runs = new InterleavedTiming()) {
            runs.add("fully preloaded", open(pack, opts(0, ResidencyMode.ALL, true, null)));
            runs.add(SEQUENTIAL, open(pack, opts(min.minimumBytes(), ResidencyMode.NONE, false, null)));
            runs.add("demand layering, minimum arena", open(pack, opts(min.minimumBytes(), ResidencyMode.NONE, true, null)));
            runs.add(FP16_MINIMUM, open(pack, opts(Session.sizing(List.of(pack.model()), backend, ResidencyMode.NONE, WeightPrecision.FP16).minimumBytes(),
                    ResidencyMode.NONE, true, null).withWeights(WeightPrecision.FP16)));
            Map<String, LayerCost> costs = null;
            for (double f : FRACTIONS) {
                long budget = min.minimumBytes() + (long) ((all.arenaBytes() - min.minimumBytes()) * f);
                Session sess = runs.add(String.format(Locale.ROOT, "trade-off, %d%% of the way", (int) (100 * f)), open(pack,
                        opts(budget, ResidencyMode.AUTO, true, costs)));
                if (costs == null) costs = sess.profile();
                if (f == 0.25) runs.add("ahead-distance only, same arena as 25%", open(pack, opts(budget, ResidencyMode.NONE, true, null)));
            }
            ArenaPlan tmin = Session.sizing(List.of(tiled.model()), backend, ResidencyMode.NONE, WeightPrecision.FP32);
            String tiles = "tiled (" + ByteSize.human(Math.max(1L << 20, largest / 4)) + "), minimum arena";
            runs.add(tiles, open(tiled, opts(tmin.minimumBytes(), ResidencyMode.NONE, true, null)));
            runs.add(tiles + FP16, open(tiled, opts(Session.sizing(List.of(tiled.model()), backend, ResidencyMode.NONE, WeightPrecision.FP16).minimumBytes(),
                    ResidencyMode.NONE, true, null).withWeights(WeightPrecision.FP16)));
            List<FrameTiming> timed = runs.measure(in, WARMUP_FRAMES, WARMUP_MS, frames);
            // the sequential configuration measures each layer's load and compute alone, as the profile does, but in the rounds
            Map<String, LayerCost> interleaved = Session.layerCosts(timed.get(runs.indexOf(SEQUENTIAL)).frames(), backend.loaderCpuShare());
            List<Point> points = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) points.add(point(net, runs.name(i), runs.session(i), timed.get(i), interleaved));
            return points;
        } finally {
            Files.deleteIfExists(packFile);
            Files.deleteIfExists(tiledFile);
        }
    }

    /** Each configuration's warm-up: the loader's first lap and the plan's first frames; the kernels warm up in the first one. */
    private static final int WARMUP_FRAMES = 2;
    private static final double WARMUP_MS = 1000;

    private Session.Options opts(long budget, ResidencyMode mode, boolean prefetch, Map<String, LayerCost> costs) {
        return Session.Options.builder().budget(budget).mode(mode).prefetch(prefetch).io(new Engine.Options(true, true, diskBandwidth)).costs(costs).build();
    }

    private Session open(PackFile pack, Session.Options o) throws Exception {
        return Session.open(List.of(pack), o, backend);
    }

    private static Point point(String net, String config, Session s, FrameTiming t, Map<String, LayerCost> interleaved) {
        FrameStats last = t.last();
        System.err.printf(Locale.ROOT, "paper bench: %s / %s: %.1f ms, peak %s%n", net, config, t.medianMs(), ByteSize.human(last.peakBytes()));
        // what is not weights: activations and the backend's kernel workspace, the same in every configuration
        double predicted = s.plan().predictedFrameMs();
        return new Point(net, config, last.arenaBytes(), last.peakBytes(), s.plan().activationBytes() + s.plan().workspaceBytes(), t.medianMs(), last.stallMs(), last.bytesRead(),
                s.directIo(), predicted, Double.isNaN(predicted) ? null : ArenaPlanner.predict(s.plan(), interleaved));
    }

    static String markdown(List<Point> points, String backendLine, List<String> skipped) {
        StringBuilder sb = new StringBuilder();
        sb.append("# The paper's DNN set, reproduced\n\n");
        sb.append("Written by `bin/dlayer bench --paper` (do not edit by hand). Backend: ").append(backendLine).append("; host ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores. Networks from `../shared/paper-models` (Darknet cfgs, seeded random ")
                .append("weights, their [net] input sizes). Weights are read ")
                .append(points.stream().allMatch(Point::directIo) ? "with O_DIRECT (cold: past the page cache)" : "buffered (O_DIRECT was refused)")
                .append(". Every configuration of a network is open at once and timed one frame each in turn (a slow spell on a shared host slows them all alike), after each has warmed up (at least 2 frames and 1 s); medians of the measured frames.\n\n");
        sb.append("Memory reduction is given for the whole arena (weights and activations) and for the weight memory alone (resident blobs + ")
                .append("the ring's high-water mark), the quantity the paper's method shrinks; activations are the same in every configuration. ")
                .append("On a CPU, run-to-run noise is a few percent of the frame time, far above 1 ms: overheads within about ±5% are noise here.\n\n");
        sb.append("| network | configuration | arena | peak used | memory reduction | weight memory | weight memory reduction | median latency | overhead | stall | read per frame | planner's prediction | model, costs from the rounds |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        List<double[]> pipelined = new ArrayList<>(), nearZero = new ArrayList<>(), halfPipelined = new ArrayList<>();
        List<double[]> tiledRows = new ArrayList<>(), tiledHalf = new ArrayList<>();
        List<String> ratios = new ArrayList<>();
        List<Double> predictionErrors = new ArrayList<>(), modelErrors = new ArrayList<>();
        String net = null;
        Point base = null, quarter = null;
        for (Point p : points) {
            if (!p.net().equals(net)) {
                net = p.net();
                base = p;
            }
            double red = 100.0 * (base.peakBytes() - p.peakBytes()) / base.peakBytes();
            double wred = 100.0 * (base.weightBytes() - p.weightBytes()) / base.weightBytes();
            double over = p.medianMs() - base.medianMs();
            String predicted = againstMeasured(p.predictedMs(), p), model = againstMeasured(p.modelMs() == null ? Double.NaN : p.modelMs(), p);
            if (!Double.isNaN(p.predictedMs())) predictionErrors.add(Math.abs(p.predictedMs() / p.medianMs() - 1));
            if (p.modelMs() != null) modelErrors.add(Math.abs(p.modelMs() / p.medianMs() - 1));
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %.1f ms | %s | %.1f ms | %s | %s | %s |%n", p.net(), p.config(),
                    ByteSize.human(p.arenaBytes()), ByteSize.human(p.peakBytes()), p == base ? "-" : String.format(Locale.ROOT, "%.1f%%", red),
                    ByteSize.human(p.weightBytes()), p == base ? "-" : String.format(Locale.ROOT, "%.1f%%", wred), p.medianMs(),
                    p == base ? "baseline" : String.format(Locale.ROOT, "%+.1f%% (%+.1f ms)", 100 * over / base.medianMs(), over), p.stallMs(),
                    ByteSize.human(p.bytesRead()), predicted, model));
            if (p.config().equals("demand layering, minimum arena")) pipelined.add(new double[] {red, 100 * over / base.medianMs(), wred});
            if (p.config().equals(FP16_MINIMUM)) halfPipelined.add(new double[] {red, 100 * over / base.medianMs(), wred});
            if (p.config().startsWith("tiled")) {
                (p.config().endsWith(FP16) ? tiledHalf : tiledRows).add(new double[] {red, 100 * over / base.medianMs(), wred});
            }
            if (p.config().startsWith("trade-off, 25%")) quarter = p;
            if (p.config().startsWith("ahead-distance only") && quarter != null) {
                ratios.add(String.format(Locale.ROOT, "%s %.3f", p.net(), quarter.medianMs() / p.medianMs()));
            }
        }
        // per network: the least-memory point within 1 ms of preloaded, else the lowest-overhead point
        for (String n : points.stream().map(Point::net).distinct().toList()) {
            List<Point> ps = points.stream().filter(p -> p.net().equals(n)).toList();
            Point b = ps.get(0), best = null;
            for (Point p : ps.subList(1, ps.size())) {
                if (p.config().startsWith("sequential") || p.config().endsWith(FP16)) continue;
                if (p.medianMs() - b.medianMs() < 1.0 && (best == null || p.peakBytes() < best.peakBytes())) best = p;
            }
            if (best != null) {
                nearZero.add(new double[] {100.0 * (b.peakBytes() - best.peakBytes()) / b.peakBytes(), best.medianMs() - b.medianMs(),
                        100.0 * (b.weightBytes() - best.weightBytes()) / b.weightBytes()});
            }
        }
        sb.append("\n## Averages beside the paper's\n\n| | memory reduction (arena) | memory reduction (weights) | delay overhead |\n|---|---|---|---|\n");
        sb.append("| paper (Jetson AGX Xavier, 10 networks): pipelined demand layering | | 96.5% | 14.8% |\n");
        sb.append(String.format(Locale.ROOT, "| this run: demand layering at the minimum arena (%d networks) | %.1f%% | %.1f%% | %.1f%% |%n", pipelined.size(),
                pipelined.stream().mapToDouble(v -> v[0]).average().orElse(Double.NaN), pipelined.stream().mapToDouble(v -> v[2]).average().orElse(Double.NaN),
                pipelined.stream().mapToDouble(v -> v[1]).average().orElse(Double.NaN)));
        averageRow(sb, "the same with float16 weights (outputs within float16 rounding)", halfPipelined);
        averageRow(sb, "tiled below the largest layer, minimum arena", tiledRows);
        averageRow(sb, "tiled, float16 weights", tiledHalf);
        sb.append("| paper: the memory-delay trade-off at under 1 ms overhead | | 88.4% | < 1 ms |\n");
        sb.append(String.format(Locale.ROOT, "| this run: the least memory within 1 ms of preloaded (%d of %d networks have such a point) | %s | %s | %s |%n",
                nearZero.size(), pipelined.size(), nearZero.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f%%", nearZero.stream().mapToDouble(v -> v[0]).average().orElse(0)),
                nearZero.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f%%", nearZero.stream().mapToDouble(v -> v[2]).average().orElse(0)),
                nearZero.isEmpty() ? "-" : "< 1 ms"));
        sb.append("\nPlanned residency against ahead-distance-only streaming at the same arena (the 25% budget), latency ratio (below 1: planned is faster): ")
                .append(String.join(", ", ratios)).append(".\n");
        sb.append("\nThe planner's predictions against the measured trade-off points: ").append(accuracy(predictionErrors))
                .append("; the same model of the same plans with each layer's costs from the sequential configuration's frames in the same rounds ")
                .append("(the profile's own measurement, without the host's drift between the profile and the rounds): ").append(accuracy(modelErrors)).append(".\n");
        if (!skipped.isEmpty()) sb.append("\nNot measured in this run: ").append(String.join(", ", skipped)).append(".\n");
        return sb.toString();
    }

    private static String againstMeasured(double ms, Point p) {
        return Double.isNaN(ms) ? "-" : String.format(Locale.ROOT, "%.1f ms (%+.1f%%)", ms, 100 * (ms / p.medianMs() - 1));
    }

    /** How many errors (relative, absolute) are within 5%, and their median. */
    private static String accuracy(List<Double> errors) {
        if (errors.isEmpty()) return "none";
        double[] e = errors.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        long within = errors.stream().filter(x -> x <= 0.05).count();
        return String.format(Locale.ROOT, "%d of %d within 5%% (median error %.1f%%)", within, e.length, 100 * e[e.length / 2]);
    }

    /** One averages row (arena reduction, weight reduction, overhead; all in %) when the run measured the configuration. */
    private static void averageRow(StringBuilder sb, String what, List<double[]> rows) {
        if (rows.isEmpty()) return;
        sb.append(String.format(Locale.ROOT, "| this run: %s (%d networks) | %.1f%% | %.1f%% | %.1f%% |%n", what, rows.size(),
                rows.stream().mapToDouble(v -> v[0]).average().orElse(Double.NaN), rows.stream().mapToDouble(v -> v[2]).average().orElse(Double.NaN),
                rows.stream().mapToDouble(v -> v[1]).average().orElse(Double.NaN)));
    }

    static void plot(Path png, List<Point> points) throws java.io.IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (String n : points.stream().map(Point::net).distinct().toList()) {
            List<Point> ps = points.stream().filter(p -> p.net().equals(n) && !p.config().startsWith("sequential") && !p.config().startsWith("ahead")
                    && !p.config().endsWith(FP16)).toList();
            Point b = ps.get(0);
            XYSeries s = new XYSeries(n, true, true);
            for (Point p : ps) s.add(100.0 * p.peakBytes() / b.peakBytes(), 100.0 * (p.medianMs() / b.medianMs() - 1));
            data.addSeries(s);
        }
        BenchPlot.lineChart(png, "Memory-delay curves (100% memory = fully preloaded)", "peak memory, % of fully preloaded", "delay overhead, %",
                data, 1000, 600);
    }
}
