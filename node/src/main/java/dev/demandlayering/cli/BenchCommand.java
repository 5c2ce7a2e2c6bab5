package dev.demandlayering.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.demandlayering.models.ModelCatalog;
import dev.demandlayering.models.ModelManifest;
import dev.demandlayering.perception.PerceptionConfig;
import dev.demandlayering.perception.Pipeline;
import dev.demandlayering.perception.Preprocessor;
import dev.demandlayering.runtime.Backends;
import dev.demandlayering.runtime.Session;
import dev.demandlayering.runtime.exec.Backend;
import dev.demandlayering.runtime.exec.Engine;
import dev.demandlayering.runtime.exec.FrameStats;
import dev.demandlayering.runtime.exec.LayerStats;
import dev.demandlayering.runtime.exec.LoaderThroughput;
import dev.demandlayering.runtime.io.Npy;
import dev.demandlayering.runtime.layers.LayeredModel;
import dev.demandlayering.runtime.layers.WeightPrecision;
import dev.demandlayering.runtime.pack.DiskBandwidth;
import dev.demandlayering.runtime.pack.PackFile;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fully resident vs demand layering on the shipped models, alone and sharing one arena.",
                "Prints a Markdown table and writes it (and the raw figures as JSON) to --output."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--backend", paramLabel = "B", description = "auto, cpu or cuda; default ${DEFAULT-VALUE} (auto: cuda when a GPU is usable, else cpu)")
    String backend = "auto";

    @Option(names = "--vs", paramLabel = "PEER", description = "onnxruntime: each model (--models, and --nets from the paper's cfgs) exported as ONNX "
            + "and run by ONNX Runtime's CPU provider, by dlayer fully resident and by dlayer streaming through the minimum arena, each in its own "
            + "process, interleaved; latency, peak memory, arena and GFLOPS side by side (--output, default out/bench-vs-onnxruntime.md, and a .png)")
    String vs;

    @Option(names = "--rounds", paramLabel = "N", description = "with --vs: interleaved rounds of --frames frames per runtime; default ${DEFAULT-VALUE}")
    int rounds = 10;

    @Option(names = "--threads", paramLabel = "N", description = "with --vs: ONNX Runtime's intra-op threads; default ${DEFAULT-VALUE} (this host's cores: dlayer uses them all)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--paper", description = "the paper's DNN set (Darknet cfgs) instead of the shipped models: preloaded, sequential, "
            + "pipelined, the trade-off, ahead-distance only and tiled; writes a report beside the paper's averages")
    boolean paper;

    @Option(names = "--nets", split = ",", paramLabel = "NAME", description = "with --paper: which cfgs (default: every .cfg in --paper-models)")
    List<String> nets;

    @Option(names = "--paper-models", paramLabel = "DIR", description = "with --paper: the cfgs; default: ../shared/paper-models beside the repository")
    Path paperModels;

    @Option(names = "--results", paramLabel = "DIR", description = "with --paper: keep each network's figures as DIR/NET.json and reuse them "
            + "(a long run can be split or resumed); default ${DEFAULT-VALUE}")
    Path results = Path.of("out", "paper-results");

    @Option(names = "--remeasure", description = "with --paper: measure networks again even when --results holds their figures")
    boolean remeasure;

    @Option(names = "--report-only", description = "with --paper: write the report from the figures in --results, measuring nothing")
    boolean reportOnly;

    @Option(names = "--models", split = ",", paramLabel = "NAME", description = "manifest names; default ${DEFAULT-VALUE}")
    List<String> models = List.of("nanodet", "selfie", "meet");

    @Option(names = "--frames", paramLabel = "N", description = "measured frames per configuration (median reported); default ${DEFAULT-VALUE}")
    int frames = 5;

    @Option(names = "--image", paramLabel = "IMAGE", description = "input photo; default: messi5.jpg from the fetched sample data")
    Path image;

    @Option(names = "--inputs", paramLabel = "DIR", description = "preprocessed input tensors, DIR/NAME.npy per model (dlayer inputs), instead of decoding --image")
    Path inputsDir;

    @Option(names = "--disk-bandwidth", paramLabel = "SIZE", converter = ByteSize.class, description = "cap weight reads at SIZE per second to emulate a slower disk")
    long diskBandwidth;

    @Option(names = "--output", paramLabel = "FILE", description = "Markdown report; a .json with the same figures goes beside it; default ${DEFAULT-VALUE}")
    Path output = Path.of("out/bench-cpu.md");

    private static final int WARMUP_FRAMES = 3;
    /** Each configuration's own warm-up, at least this long: its first frames run code paths the last one did not (loader, plan). */
    private static final double WARMUP_MS = 1000;

    /** One measured configuration. */
    record Row(String set, String config, long arenaBytes, long peakBytes, long residentBytes, double medianMs, double stallMs, long bytesRead,
               double predictedMs, double loaderBytesPerSecond) {
    }

    /** The loader on its own beside the disk: medians of rounds that alternate the two. */
    record LoaderRow(String set, long ringBytes, double loaderBytesPerSecond, double diskBytesPerSecond) {
    }

    private static final int LOADER_ROUNDS = 7;
    /** Weight bytes the loader reads per round at least (whole frames). */
    private static final long LOADER_ROUND_BYTES = 64L << 20;

    private String backendLine;
    private final List<LoaderRow> loaderRows = new ArrayList<>();
    /** One backend for the whole run: a GPU's context, kernels and library handles are made once, not per configuration. */
    private Backends.Choice device;
    private ModelCatalog catalog;

    @Override
    public Integer call() throws Exception {
        if (frames < 1) throw new IllegalArgumentException("--frames must be at least 1");
        catalog = ModelCatalog.fromEnvironment();
        if (vs != null) return versus(catalog);
        if (paper) return paper(catalog);
        var img = inputsDir != null ? null : Preprocessor.load(image != null ? image : catalog.data("messi5.jpg"));
        List<ModelManifest> manifests = new ArrayList<>();
        for (String name : models) manifests.add(catalog.manifest(name));
        List<Map<String, float[]>> inputs = new ArrayList<>();
        if (img != null) inputs.addAll(Pipeline.inputs(manifests, img));
        else for (ModelManifest m : manifests) inputs.add(Map.of(m.inputName(), Npy.read(inputsDir.resolve(m.name() + ".npy")).data()));
        Backends.Choice choice = Backends.select(backend);
        backendLine = choice.reason();
        System.err.println("bench: " + backendLine);
        List<Row> rows = new ArrayList<>();
        List<Path> packs;
        try (Backend b = choice.backend()) {
            device = choice;
            PerceptionConfig everyModel = PerceptionConfig.of(models).withBackend(b.name());
            // the JIT compiles the kernels during the first frames: warm them up, resident and streamed, before anything is measured
            for (ResidencyMode mode : List.of(ResidencyMode.ALL, ResidencyMode.NONE)) {
                try (Pipeline p = open(everyModel.withArena(0, mode), true)) {
                    FrameTiming.warmUp(p::infer, inputs, 10, 3000);
                }
            }
            for (int i = 0; i < models.size(); i++) rows.addAll(measureSet(models.get(i), List.of(models.get(i)), List.of(inputs.get(i))));
            if (models.size() > 1) rows.addAll(measureSet(String.join("+", models) + " (shared arena)", models, inputs));
            try (Pipeline streamed = open(everyModel.withArena(0, ResidencyMode.NONE), true)) {
                packs = streamed.packPaths();
            }
            for (int i = 0; i < models.size(); i++) loaderRows.add(measureLoader(models.get(i), List.of(packs.get(i))));
            if (models.size() > 1) loaderRows.add(measureLoader(String.join("+", models) + " (shared arena)", packs));
        }
        DiskBandwidth.Measurement disk = DiskBandwidth.measure(packs);
        String md = markdown(rows, backendLine, disk) + loaderMarkdown(loaderRows);
        System.out.print(md);
        if (output.getParent() != null) Files.createDirectories(output.getParent());
        Files.writeString(output, md);
        Files.writeString(Path.of(output.toString().replaceFirst("\\.md$", "") + ".json"), json(rows, disk, loaderRows));
        Path png = Path.of(output.toString().replaceFirst("\\.md$", "") + ".png");
        try {
            BenchPlot.write(png, rows);
            System.err.println("bench: memory-delay curves in " + png);
        } catch (LinkageError e) { // a Java runtime without java.desktop (the GPU bundle)
            System.err.println("bench: no plot: this Java runtime has no java.desktop module");
        }
        return 0;
    }

    private int versus(ModelCatalog cat) throws Exception {
        if (!vs.equals("onnxruntime")) throw new IllegalArgumentException("--vs: the one peer is onnxruntime, got '" + vs + "'");
        if (paper) throw new IllegalArgumentException("--vs and --paper are separate benchmarks: --vs onnxruntime --nets NAME,... runs the paper's cfgs");
        if (rounds < 1 || threads < 1) throw new IllegalArgumentException("--rounds and --threads must be at least 1");
        String ortClasspath = OrtComparison.ortClasspath(cat.home());
        try (WorkDir work = WorkDir.create("dlayer-vs-ort", System.err)) {
            versus(cat, new OrtComparison(frames, rounds, threads, ortClasspath, work.path()));
            work.finished();
        }
        return 0;
    }

    private void versus(ModelCatalog cat, OrtComparison cmp) throws Exception {
        List<OrtComparison.Model> list = new ArrayList<>();
        if (!models.isEmpty()) {
            var img = Preprocessor.load(image != null ? image : cat.data("messi5.jpg"));
            for (String name : models) list.add(cmp.shipped(cat, name, img));
        }
        if (nets != null) {
            Path dir = paperModels != null ? paperModels : cat.home().resolveSibling("shared").resolve("paper-models");
            for (String n : nets) {
                Path cfg = dir.resolve(n + ".cfg");
                if (!Files.exists(cfg)) throw new java.nio.file.NoSuchFileException(cfg.toString(), null, "--nets: no such cfg (--paper-models)");
                list.add(cmp.paper(cfg, 1));
            }
        }
        List<OrtComparison.Result> results = new ArrayList<>();
        for (OrtComparison.Model m : list) results.add(cmp.measure(m));
        Path out = output.equals(Path.of("out/bench-cpu.md")) ? Path.of("out/bench-vs-onnxruntime.md") : output;
        if (out.getParent() != null) Files.createDirectories(out.getParent());
        String md = cmp.markdown(results);
        Path png = Path.of(out.toString().replaceFirst("\\.md$", "") + ".png");
        try {
            OrtComparison.plot(png, results);
            md += "\n![latency: dlayer vs ONNX Runtime](" + png.getFileName() + ")\n";
        } catch (LinkageError e) {
            System.err.println("bench: no plot: this Java runtime has no java.desktop module");
        }
        Files.writeString(out, md);
        System.out.print(md);
    }

    private int paper(ModelCatalog cat) throws Exception {
        Path dir = paperModels != null ? paperModels : cat.home().resolveSibling("shared").resolve("paper-models");
        if (!Files.isDirectory(dir)) throw new java.nio.file.NoSuchFileException(dir.toString(), null, "paper model cfgs not found (--paper-models)");
        List<Path> cfgs;
        try (var list = Files.list(dir)) {
            cfgs = list.filter(p -> p.toString().endsWith(".cfg")).sorted().toList();
        }
        List<String> skipped = new ArrayList<>();
        if (nets != null) {
            for (String n : nets) {
                if (!Files.exists(dir.resolve(n + ".cfg"))) throw new IllegalArgumentException("--nets: no " + n + ".cfg in " + dir);
            }
            for (Path c : cfgs) {
                String n = c.getFileName().toString().replaceFirst("\\.cfg$", "");
                if (!nets.contains(n)) skipped.add(n);
            }
            cfgs = nets.stream().map(n -> dir.resolve(n + ".cfg")).toList();
        }
        Backends.Choice choice = Backends.select(backend);
        String backendLine = choice.reason() + (diskBandwidth > 0 ? ", reads capped at " + ByteSize.human(diskBandwidth) + "/s" : "");
        System.err.println("bench: " + backendLine);
        Files.createDirectories(results);
        try (WorkDir work = WorkDir.create("dlayer-paper", System.err); Backend b = choice.backend()) {
            int code = paperRun(new PaperBench(b, frames, diskBandwidth, work.path()), cfgs, skipped, backendLine);
            work.finished();
            return code;
        }
    }

    private int paperRun(PaperBench bench, List<Path> cfgs, List<String> skipped, String backendLine) throws Exception {
        List<PaperBench.Point> points = new ArrayList<>();
        com.fasterxml.jackson.databind.ObjectMapper om = new com.fasterxml.jackson.databind.ObjectMapper();
        var listType = om.getTypeFactory().constructCollectionType(List.class, PaperBench.Point.class);
        for (Path cfg : cfgs) {
            String net = cfg.getFileName().toString().replaceFirst("\\.cfg$", "");
            Path saved = results.resolve(net + ".json");
            if (Files.exists(saved) && !remeasure) {
                List<PaperBench.Point> old = om.readValue(saved.toFile(), listType);
                points.addAll(old);
                System.err.println("bench: " + net + ": figures from " + saved);
            } else if (reportOnly) {
                skipped.add(net);
            } else {
                List<PaperBench.Point> measured = bench.measure(cfg);
                om.writerWithDefaultPrettyPrinter().writeValue(saved.toFile(), measured);
                points.addAll(measured);
            }
        }
        if (points.isEmpty()) throw new IllegalStateException("no figures: nothing measured and nothing in " + results);
        String md = PaperBench.markdown(points, backendLine, skipped);
        Path out = output.equals(Path.of("out/bench-cpu.md")) ? Path.of("out/paper-reproduction.md") : output;
        if (out.getParent() != null) Files.createDirectories(out.getParent());
        Path png = Path.of(out.toString().replaceFirst("\\.md$", "") + ".png");
        try {
            PaperBench.plot(png, points);
            md += "\n![memory-delay curves](" + png.getFileName() + ")\n";
        } catch (LinkageError e) {
            System.err.println("bench: no plot: this Java runtime has no java.desktop module");
        }
        Files.writeString(out, md);
        System.out.print(md);
        return 0;
    }

    /**
     * The set's configurations, each a perception pipeline with its own arena, all open at once and timed frame by
     * frame in turn ({@link InterleavedTiming}) on their inference stage (the inputs preprocessed once, as ONNX
     * Runtime's are in {@code --vs}).
     */
    private List<Row> measureSet(String set, List<String> names, List<Map<String, float[]>> inputs) throws Exception {
        PerceptionConfig config = PerceptionConfig.of(names).withBackend(device.backend().name());
        try (InterleavedTiming runs = new InterleavedTiming()) {
            Pipeline resident = runs.add("fully resident", open(config.withArena(0, ResidencyMode.ALL), true));
            // the sequential baseline gets the pipelined minimum, so that the two differ by the overlap alone
            long min = Session.sizing(resident.session().models(), device.backend(), ResidencyMode.NONE, WeightPrecision.FP32).minimumBytes();
            runs.add("sequential (no overlap), minimum arena", open(config.withArena(min, ResidencyMode.NONE), false));
            runs.add("demand layering, minimum arena", open(config.withArena(0, ResidencyMode.NONE), true));
            runs.add("demand layering, minimum arena, fp16 weights", open(config.withArena(0, ResidencyMode.NONE).withWeights(WeightPrecision.FP16), true));
            runs.add("fully resident, fp16 weights", open(config.withArena(0, ResidencyMode.ALL).withWeights(WeightPrecision.FP16), true));
            long all = resident.session().plan().arenaBytes();
            for (double f : new double[] {0.25, 0.5, 0.75}) {
                long budget = min + (long) ((all - min) * f);
                runs.add(String.format("trade-off, %d%% of the way to resident", (int) (f * 100)), open(config.withArena(budget, ResidencyMode.AUTO), true));
            }
            List<FrameTiming> timed = runs.measure(inputs, WARMUP_FRAMES, WARMUP_MS, frames);
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) rows.add(row(set, runs.name(i), runs.session(i), timed.get(i)));
            return rows;
        }
    }

    /**
     * The loader alone (no compute: {@link LoaderThroughput}) through a ring of the set's minimum arena, in rounds
     * alternating with the disk's own sequential read of the same packs, so that a slow spell of the disk slows both.
     */
    private LoaderRow measureLoader(String set, List<Path> paths) throws Exception {
        List<PackFile> packs = new ArrayList<>();
        for (Path p : paths) packs.add(PackFile.open(p));
        List<LayeredModel> models = packs.stream().map(PackFile::model).toList();
        long ring = Session.sizing(models, device.backend(), ResidencyMode.NONE, WeightPrecision.FP32).minimumBytes();
        long perFrame = models.stream().mapToLong(LayeredModel::totalWeightBytes).sum();
        int frames = (int) Math.max(2, (LOADER_ROUND_BYTES + perFrame - 1) / Math.max(1, perFrame));
        List<Double> loader = new ArrayList<>(), disk = new ArrayList<>();
        Engine.Options io = new Engine.Options(true, true, diskBandwidth);
        for (int r = 0; r < LOADER_ROUNDS; r++) {
            disk.add(DiskBandwidth.measure(paths, LOADER_ROUND_BYTES).bytesPerSecond());
            loader.add(LoaderThroughput.measure(packs, device.backend(), ring, frames, io, WeightPrecision.FP32).bytesPerSecond());
        }
        LoaderRow row = new LoaderRow(set, ring, OrtComparison.median(loader), OrtComparison.median(disk));
        System.err.printf("bench: %s / loader alone: %.0f MB/s, disk %.0f MB/s%n", set, row.loaderBytesPerSecond() / 1e6, row.diskBytesPerSecond() / 1e6);
        return row;
    }

    static String loaderMarkdown(List<LoaderRow> rows) {
        if (rows.isEmpty()) return "";
        StringBuilder sb = new StringBuilder();
        sb.append("\nThe loader alone: every blob of every frame read through the real loader and ring (a ring of the minimum arena's ")
                .append("bytes; the same requests, batching and checksums), each released as soon as it lands, no compute; ")
                .append(LOADER_ROUNDS).append(" rounds of at least ").append(ByteSize.human(LOADER_ROUND_BYTES))
                .append(" alternating with as many bytes of the disk's sequential read of the same packs, over and over (O_DIRECT, 4 MiB requests); medians.\n\n");
        sb.append("| model set | ring | loader alone | disk, same rounds | share of disk |\n|---|---|---|---|---|\n");
        for (LoaderRow r : rows) {
            sb.append(String.format("| %s | %s | %.0f MB/s | %.0f MB/s | %.0f%% |%n", r.set(), ByteSize.human(r.ringBytes()), r.loaderBytesPerSecond() / 1e6,
                    r.diskBytesPerSecond() / 1e6, 100 * r.loaderBytesPerSecond() / Math.max(1, r.diskBytesPerSecond())));
        }
        return sb.toString();
    }

    /** A pipeline of {@code config} on the run's one backend, its reads capped at --disk-bandwidth. */
    private Pipeline open(PerceptionConfig config, boolean prefetch) throws Exception {
        return Pipeline.open(config, catalog, new Pipeline.Tuning(prefetch, diskBandwidth, null, device));
    }

    private static Row row(String set, String config, Session s, FrameTiming t) {
        FrameStats last = t.last();
        System.err.printf("bench: %s / %s: %.1f ms%n", set, config, t.medianMs());
        double loadSeconds = last.layers().stream().mapToDouble(LayerStats::loadMs).sum() / 1e3;
        long loaded = last.layers().stream().mapToLong(LayerStats::bytesRead).sum();
        return new Row(set, config, last.arenaBytes(), last.peakBytes(), last.residentWeightBytes(), t.medianMs(), last.stallMs(),
                last.bytesRead(), s.plan().predictedFrameMs(), loadSeconds == 0 ? 0 : loaded / loadSeconds);
    }

    static String markdown(List<Row> rows, String backendLine, DiskBandwidth.Measurement disk) {
        StringBuilder sb = new StringBuilder();
        sb.append("Backend: ").append(backendLine).append("; host ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append(", ").append(System.getProperty("os.arch")).append("\n\n");
        sb.append("Every configuration of a model set is open at once and timed one frame each in turn (a slow spell on a shared host slows them ")
                .append("all alike), after each has warmed up; medians of the measured frames.\n\n");
        sb.append(String.format("Disk: %s sequential read of the packs, %.0f MB/s (%s, 4 MiB requests)%n%n", ByteSize.human(disk.bytes()),
                disk.bytesPerSecond() / 1e6, disk.direct() ? "O_DIRECT, cold" : "buffered: the file system refused O_DIRECT"));
        sb.append("| model set | configuration | arena | peak used | memory vs resident | resident weights | median latency | overhead | stall | read per frame | loader MB/s (share of disk) |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        Map<String, Row> base = new LinkedHashMap<>();
        for (Row r : rows) base.putIfAbsent(r.set(), r);
        for (Row r : rows) {
            Row b = base.get(r.set());
            String loader = r.bytesRead() == 0 ? "-" : String.format("%.0f (%.0f%%)", r.loaderBytesPerSecond() / 1e6,
                    100 * r.loaderBytesPerSecond() / Math.max(1, disk.bytesPerSecond()));
            sb.append(String.format("| %s | %s | %s | %s | %s | %s | %.1f ms | %s | %.1f ms | %s | %s |%n", r.set(), r.config(), ByteSize.human(r.arenaBytes()),
                    ByteSize.human(r.peakBytes()), r == b ? "100%" : String.format("-%.1f%%", 100.0 * (b.peakBytes() - r.peakBytes()) / b.peakBytes()),
                    ByteSize.human(r.residentBytes()), r.medianMs(), r == b ? "baseline" : String.format("%+.1f%%", 100 * (r.medianMs() / b.medianMs() - 1)),
                    r.stallMs(), ByteSize.human(r.bytesRead()), loader));
        }
        return sb.toString();
    }

    private static String json(List<Row> rows, DiskBandwidth.Measurement disk, List<LoaderRow> loaderRows) {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        root.put("disk_bytes_per_second", disk.bytesPerSecond());
        root.put("disk_direct_io", disk.direct());
        ArrayNode a = root.putArray("rows");
        for (Row r : rows) {
            ObjectNode o = a.addObject();
            o.put("set", r.set());
            o.put("config", r.config());
            o.put("arena_bytes", r.arenaBytes());
            o.put("peak_bytes", r.peakBytes());
            o.put("resident_weight_bytes", r.residentBytes());
            o.put("median_latency_ms", r.medianMs());
            o.put("stall_ms", r.stallMs());
            o.put("bytes_read", r.bytesRead());
            if (!Double.isNaN(r.predictedMs())) o.put("predicted_latency_ms", r.predictedMs());
            o.put("loader_bytes_per_second", r.loaderBytesPerSecond());
        }
        ArrayNode l = root.putArray("loader_alone");
        for (LoaderRow r : loaderRows) {
            ObjectNode o = l.addObject();
            o.put("set", r.set());
            o.put("ring_bytes", r.ringBytes());
            o.put("loader_bytes_per_second", r.loaderBytesPerSecond());
            o.put("disk_bytes_per_second", r.diskBytesPerSecond());
        }
        return root.toPrettyString();
    }
}
