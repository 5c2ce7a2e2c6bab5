package dev.demandlayering.cli;

import dev.demandlayering.models.ModelCatalog;
import dev.demandlayering.models.ModelManifest;
import dev.demandlayering.perception.Preprocessor;
import dev.demandlayering.runtime.ModelImporter;
import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.runtime.io.Npy;
import dev.demandlayering.runtime.layers.Flops;
import dev.demandlayering.runtime.onnx.OnnxModelWriter;
import dev.demandlayering.runtime.pack.PackWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code bench --vs onnxruntime}: each model exported once as ONNX and run, on the same input and cores, by ONNX
 * Runtime (its default CPU provider, 2 intra-op threads), by dlayer fully resident and by dlayer streaming every
 * layer through the minimum arena, each in a process of its own. Rounds interleave the three, so that a noisy
 * machine slows all of them alike; medians over every measured frame.
 */
final class OrtComparison {
    /** One model as both runtimes see it: the ONNX file ONNX Runtime loads, and dlayer's pack of that same file. */
    record Model(String name, Path onnx, Path pack, Path input, long flops) {
    }

    /** One model's figures. */
    record Result(Model model, double ortMs, long ortPeakRss, double residentMs, long residentArena, long residentPeakRss, double streamedMs,
                  long streamedArena, long streamedPeakRss) {
        double ratio() {
            return streamedMs / ortMs;
        }
    }

    private final int frames, rounds, threads;
    private final String ortClasspath, dlayerClasspath;
    private final Path work;

    OrtComparison(int frames, int rounds, int threads, String ortClasspath, Path work) {
        this.frames = frames;
        this.rounds = rounds;
        this.threads = threads;
        this.ortClasspath = ortClasspath;
        this.dlayerClasspath = System.getProperty("java.class.path");
        this.work = work;
    }

    /** The peers' java.io.tmpdir, inside the work folder, so that what they leave there goes with it. */
    private Path peerTmp() throws IOException {
        return Files.createDirectories(work.resolve("tmp"));
    }

    /** The ONNX Runtime peer's classpath: -Ddlayer.ortPeer=DIR or the module's build output beside the repository. */
    static String ortClasspath(Path home) throws IOException {
        Path dir = System.getProperty("dlayer.ortPeer") != null ? Path.of(System.getProperty("dlayer.ortPeer"))
                : home.resolve("peers/onnxruntime/target");
        Path jar = dir.resolve("ort-peer.jar");
        if (!Files.exists(jar) || !Files.isDirectory(dir.resolve("lib"))) {
            throw new NoSuchFileException(jar.toString(), null, "the ONNX Runtime peer is not built: mvn -Ponnxruntime -pl peers/onnxruntime package"
                    + " (bin/dlayer builds it for bench --vs onnxruntime)");
        }
        return jar + java.io.File.pathSeparator + dir.resolve("lib") + java.io.File.separator + "*";
    }

    /** A shipped model: its TF.js graph exported as ONNX, and the real photo preprocessed per its manifest. */
    Model shipped(ModelCatalog cat, String name, dev.demandlayering.perception.RgbImage image) throws IOException {
        ModelManifest m = cat.manifest(name);
        Path file = cat.modelFile(m);
        Graph g = ModelImporter.normalize(ModelImporter.read(file), file.toString());
        return write(name, g, Preprocessor.modelInput(m, image));
    }

    /** A paper network: its Darknet cfg with seeded random weights, on a seeded random image in [0, 1). */
    Model paper(Path cfg, long seed) throws IOException {
        String name = cfg.getFileName().toString().replaceFirst("\\.cfg$", "");
        Graph g = ModelImporter.normalize(ModelImporter.darknetGraph(cfg, null, seed), cfg.toString());
        int[] shape = g.inputs().values().iterator().next();
        float[] x = new float[(int) Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b)];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        return write(name, g, x);
    }

    private Model write(String name, Graph g, float[] input) throws IOException {
        Path onnx = work.resolve(name + ".onnx"), npy = work.resolve(name + ".npy"), pack = work.resolve(name + ".dlp");
        OnnxModelWriter.write(g, onnx);
        Npy.write(npy, g.inputs().values().iterator().next(), input);
        // packed here, so that dlayer's processes never hold the imported weights on their heap (as a node would not)
        var imported = ModelImporter.importModel(onnx);
        PackWriter.write(imported, pack, false);
        // the FLOPs of what both runtimes run: the exported file as dlayer imports it
        return new Model(name, onnx, pack, npy, Flops.of(imported.model()));
    }

    Result measure(Model m) throws IOException {
        System.err.printf("bench: %s (%.2f GFLOP): starting ONNX Runtime and dlayer%n", m.name(), m.flops() / 1e9);
        try (PeerProcess ort = new PeerProcess("onnxruntime (" + m.name() + ")", PeerProcess.java(peerTmp(), ortClasspath, "dev.demandlayering.peers.ort.OrtPeer",
                m.onnx().toString(), m.input().toString(), Integer.toString(threads)), work.resolve(m.name() + "-ort.log"));
             PeerProcess resident = dlayer(m, "resident");
             PeerProcess streamed = dlayer(m, "streamed")) {
            List<PeerProcess> peers = List.of(ort, resident, streamed);
            for (PeerProcess p : peers) warmUp(p);
            List<List<Double>> ms = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < peers.size(); i++) {
                    settle();
                    for (double v : peers.get(i).run(frames)) ms.get(i).add(v);
                }
            }
            ortRuntime = ort.ready.get("runtime").asText();
            Result res = new Result(m, median(ms.get(0)), ort.peakRss(), median(ms.get(1)), resident.ready.get("arena_bytes").asLong(), resident.peakRss(),
                    median(ms.get(2)), streamed.ready.get("arena_bytes").asLong(), streamed.peakRss());
            System.err.printf("bench: %s: onnxruntime %.2f ms, dlayer resident %.2f ms, streamed %.2f ms (%.2fx)%n", m.name(), res.ortMs(), res.residentMs(),
                    res.streamedMs(), res.ratio());
            return res;
        }
    }

    /**
     * Frames until the peer is warm: at least {@link #WARM_FRAMES} and {@link #WARM_MS} of running (the JIT compiles
     * dlayer's kernels over the first hundreds of calls: a small model's frames take twice as long over its first 200;
     * ONNX Runtime allocates on its first runs), at most {@link #WARM_MAX_FRAMES}.
     */
    private static void warmUp(PeerProcess p) throws IOException {
        int frames = 0;
        double ms = 0;
        while (frames < WARM_MAX_FRAMES && (frames < WARM_FRAMES || ms < WARM_MS)) {
            for (double v : p.run(5)) ms += v;
            frames += 5;
        }
    }

    /**
     * A pause before each peer's round: the last peer's threads spin for a while after its frames (ONNX Runtime's
     * pool for milliseconds, dlayer's for 0.1 ms) and would take cores from the next one. Back to back, Meet
     * measured 6.8 ms on dlayer and 5.0 on ONNX Runtime; with this pause 3.7 and 2.8.
     */
    private static void settle() {
        try {
            Thread.sleep(SETTLE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static final long SETTLE_MS = 200;
    static final int WARM_FRAMES = 10;
    static final double WARM_MS = 5000;
    static final int WARM_MAX_FRAMES = 1000;

    /** What dlayer's peers compute with and which ONNX Runtime ran (from the last ones started), for the report. */
    String compute = "", ortRuntime = "onnxruntime";

    private PeerProcess dlayer(Model m, String mode) throws IOException {
        PeerProcess p = new PeerProcess("dlayer " + mode + " (" + m.name() + ")", PeerProcess.java(peerTmp(), dlayerClasspath, BenchPeer.class.getName(),
                m.pack().toString(), m.input().toString(), mode), work.resolve(m.name() + "-" + mode + ".log"));
        compute = p.ready.get("compute").asText();
        return p;
    }

    /**
     * The first CPU's model name from /proc/cpuinfo, with its family and model numbers where it has them (figures
     * differ a lot between CPUs, and "AMD EPYC" names no generation), or "CPU model unknown".
     */
    static String cpuModel() {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            java.util.Map<String, String> cpu0 = new java.util.HashMap<>();
            lines.takeWhile(l -> !l.isBlank()).forEach(l -> {
                int colon = l.indexOf(':');
                if (colon > 0) cpu0.putIfAbsent(l.substring(0, colon).trim(), l.substring(colon + 1).trim());
            });
            String name = cpu0.getOrDefault("model name", "CPU model unknown");
            return cpu0.containsKey("cpu family") ? name + " (family " + cpu0.get("cpu family") + ", model " + cpu0.get("model") + ")" : name;
        } catch (IOException | RuntimeException e) {
            return "CPU model unknown";
        }
    }

    static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    String markdown(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("Host: %d cores (%s), %s, Java %s. %s: default CPU provider, %d intra-op threads, all graph optimisations. "
                        + "dlayer: %s. %d rounds x %d frames each, interleaved (%d ms of rest before each), after warming each process up (at least %d frames and %.0f s); medians.%n%n",
                Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("os.arch"), System.getProperty("java.version"), ortRuntime.replace("onnxruntime", "ONNX Runtime"), threads, compute,
                rounds, frames, SETTLE_MS, WARM_FRAMES, WARM_MS / 1000));
        sb.append("| model | GFLOP | ONNX Runtime | its peak RSS | dlayer resident | arena | peak RSS | dlayer streamed (minimum arena) | arena | peak RSS | "
                + "streamed / ORT | GFLOPS (streamed) |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            sb.append(String.format("| %s | %.2f | %.2f ms | %s | %.2f ms | %s | %s | %.2f ms | %s | %s | %.2f | %.0f |%n", r.model().name(), r.model().flops() / 1e9,
                    r.ortMs(), ByteSize.human(r.ortPeakRss()), r.residentMs(), ByteSize.human(r.residentArena()), ByteSize.human(r.residentPeakRss()),
                    r.streamedMs(), ByteSize.human(r.streamedArena()), ByteSize.human(r.streamedPeakRss()), r.ratio(),
                    r.model().flops() / 1e6 / r.streamedMs()));
        }
        return sb.toString();
    }

    /** Median latency per model and runtime relative to ONNX Runtime's (models of any size on one scale), as bars. */
    static void plot(Path png, List<Result> results) throws IOException {
        org.jfree.data.category.DefaultCategoryDataset data = new org.jfree.data.category.DefaultCategoryDataset();
        for (Result r : results) {
            data.addValue(1.0, "ONNX Runtime", r.model().name());
            data.addValue(r.residentMs() / r.ortMs(), "dlayer fully resident", r.model().name());
            data.addValue(r.streamedMs() / r.ortMs(), "dlayer streamed, minimum arena", r.model().name());
        }
        org.jfree.chart.JFreeChart chart = org.jfree.chart.ChartFactory.createBarChart("CPU latency relative to ONNX Runtime (lower is faster)", "model",
                "median frame latency / ONNX Runtime's", data, org.jfree.chart.plot.PlotOrientation.VERTICAL, true, false, false);
        chart.getCategoryPlot().setBackgroundPaint(java.awt.Color.WHITE);
        chart.getCategoryPlot().setRangeGridlinePaint(java.awt.Color.LIGHT_GRAY);
        chart.setBackgroundPaint(java.awt.Color.WHITE);
        org.jfree.chart.ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 520);
    }
}
