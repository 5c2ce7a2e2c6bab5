package dev.demandlayering.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.demandlayering.models.ModelCatalog;
import dev.demandlayering.models.PreprocessingSpec;
import dev.demandlayering.perception.Detection;
import dev.demandlayering.perception.HeadSettings;
import dev.demandlayering.perception.ModelResult;
import dev.demandlayering.perception.PerceptionConfig;
import dev.demandlayering.perception.Pipeline;
import dev.demandlayering.perception.Preprocessor;
import dev.demandlayering.perception.RgbImage;
import dev.demandlayering.perception.SegmentationMask;
import dev.demandlayering.runtime.Backends;
import dev.demandlayering.runtime.Session;
import dev.demandlayering.runtime.exec.Backend;
import dev.demandlayering.runtime.exec.Engine;
import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.exec.FrameStats;
import dev.demandlayering.runtime.graph.ConstTensor;
import dev.demandlayering.runtime.io.Npy;
import dev.demandlayering.runtime.layers.LayeredModel;
import dev.demandlayering.runtime.layers.WeightPrecision;
import dev.demandlayering.runtime.onnx.TensorProtos;
import dev.demandlayering.runtime.pack.DirectIo;
import dev.demandlayering.runtime.plan.ArenaPlan;
import dev.demandlayering.runtime.plan.LayerCost;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run one model with demand layering and write its outputs as .npy.",
                "With no model and no input it runs the shipped NanoDet detector on a real photo (models/fetch.sh fetches both).",
                "The last line printed is a JSON object with the frame's memory and time figures."})
final class RunCommand implements Callable<Integer> {
    static final class Source {
        @Option(names = "--pack", paramLabel = "PACK", description = "a pack written by 'dlayer pack'")
        Path pack;

        @Option(names = "--model", paramLabel = "MODEL", description = "an .onnx or TF.js model.json, packed on the fly")
        Path model;

        @Option(names = "--manifest", paramLabel = "NAME", description = "a shipped model by manifest name (models/NAME.yaml); default nanodet")
        String manifest;
    }

    @Option(names = "--backend", paramLabel = "B", description = "auto, cpu or cuda; default ${DEFAULT-VALUE} (auto: cuda when a GPU is usable, else cpu)")
    String backend = "auto";

    @ArgGroup(exclusive = true)
    Source source = new Source();

    @Option(names = "--input", paramLabel = "[NAME=]FILE", description = "input tensor as .npy (float32) or ONNX TensorProto .pb; repeat per input")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--image", paramLabel = "IMAGE", description = "an image for the model's single image input (resized and normalised per the manifest)")
    Path image;

    @Option(names = "--arena-size", paramLabel = "SIZE", converter = ByteSize.class, description = "arena size, e.g. 16MiB, as the node's "
            + "arena_size (default: the planner's minimum); --budget SIZE, the old spelling, still works for one release")
    long budget;

    @Option(names = "--budget", hidden = true, paramLabel = "SIZE", converter = ByteSize.class)
    void oldBudget(long bytes) {
        budget = bytes;
    }

    @Option(names = "--resident", hidden = true, paramLabel = "MODE")
    void oldResident(String mode) {
        resident = mode;
    }

    @Option(names = "--residency", paramLabel = "MODE", description = "none (stream every layer), auto (memory-delay trade-off within the "
            + "arena size), all (fully resident baseline), as the node's residency; default ${DEFAULT-VALUE}; --resident MODE, the old spelling, "
            + "still works for one release")
    String resident = "auto";

    @Option(names = "--output-dir", paramLabel = "DIR", description = "where OUTPUT_NAME.npy files go; default ${DEFAULT-VALUE}")
    Path outputDir = Path.of("out");

    @Option(names = "--repeat", paramLabel = "N", description = "frames to run (figures are from the last; latency also as median); default ${DEFAULT-VALUE}")
    int repeat = 1;

    @Option(names = "--sequential", description = "load each layer only when it is needed (no overlap): the paper's baseline")
    boolean sequential;

    @Option(names = "--no-direct-io", description = "read weights through the page cache instead of O_DIRECT (as --direct-io off)")
    boolean noDirect;

    @Option(names = "--direct-io", paramLabel = "MODE", description = "auto (O_DIRECT where the file system allows it, else buffered reads, said once), "
            + "on (fail when O_DIRECT is not possible), off; default ${DEFAULT-VALUE}")
    String directIo = "auto";

    @Option(names = "--disk-bandwidth", paramLabel = "SIZE", converter = ByteSize.class, description = "cap weight reads at SIZE per second, e.g. 500MiB, to emulate a slower disk")
    long diskBandwidth;

    @Option(names = "--costs", paramLabel = "FILE", description = "per-layer load/compute times (JSON, as --save-costs writes) for the trade-off instead of profiling")
    Path costsIn;

    @Option(names = "--save-costs", paramLabel = "FILE", description = "write the per-layer times the trade-off used (JSON)")
    Path costsOut;

    @Option(names = "--weight-precision", paramLabel = "P", description = "fp32, or fp16: half the weight memory and read bytes (a model packed on the fly "
            + "gets float16 blobs; a --pack must have been written with 'dlayer pack --fp16'), as the node's weight_precision; default fp32")
    String weightPrecision;

    @Option(names = "--fp16", description = "as --weight-precision fp16: the old spelling, still works for one release")
    boolean fp16;

    @Option(names = "--score-threshold", paramLabel = "S", description = "detection models: minimum class score, as the node's score_threshold; "
            + "default ${DEFAULT-VALUE} (the heads' other thresholds are the node's defaults too)")
    double scoreThreshold = HeadSettings.DEFAULTS.scoreThreshold();

    private RgbImage photo;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private boolean diskBandwidthGiven() {
        return spec != null && spec.commandLine().getParseResult().hasMatchedOption("--disk-bandwidth");
    }

    @Override
    public Integer call() throws Exception {
        ResidencyMode mode = parseMode(resident);
        WeightPrecision weights = weightPrecision();
        if (repeat < 1) throw new IllegalArgumentException("--repeat must be at least 1, got " + repeat);
        if (image != null && !inputs.isEmpty()) {
            throw new IllegalArgumentException("--image and --input both give the model's input: use one of them");
        }
        if (diskBandwidth < 0 || (diskBandwidth == 0 && diskBandwidthGiven())) {
            throw new IllegalArgumentException("--disk-bandwidth must be a positive size per second (e.g. 100MiB), got 0");
        }
        if (Files.exists(outputDir) && !Files.isDirectory(outputDir)) {
            throw new IllegalArgumentException("--output-dir " + outputDir + " exists and is not a directory; name a directory for the .npy outputs");
        }
        for (Path p : new Path[] {source.pack, source.model}) {
            if (p != null && Files.isDirectory(p)) {
                throw new IllegalArgumentException((p == source.pack ? "--pack " : "--model ") + p + " is a directory; expected "
                        + (p == source.pack ? "a pack file (.dlp)" : "an .onnx file or a TF.js model.json"));
            }
        }
        if (source.pack == null && source.model == null && source.manifest == null) source.manifest = "nanodet";
        Engine.Options io = new Engine.Options(noDirect ? DirectIo.OFF : DirectIo.parse(directIo), true, diskBandwidth);
        Map<String, LayerCost> costs = costsIn == null ? null : CostsFile.read(costsIn);
        if (budget == 0 && mode == ResidencyMode.AUTO) System.err.println("dlayer run: no --arena-size given: streaming every layer through the minimum arena");
        if (source.manifest != null) return runShipped(mode, weights, io.directIo(), costs);
        ModelSource src = ModelSource.resolve(source.pack, source.model, weights.isHalf());
        LayeredModel model = src.pack().model();
        Map<String, float[]> feeds = feeds(ModelSource.imageSpec(model.inputs().values().iterator().next()), model);
        Session.Options opts = Session.Options.builder().budget(budget).mode(mode).prefetch(!sequential).io(io).costs(costs).weights(weights).build();
        Backends.Choice choice = Backends.select(backend);
        System.err.println("dlayer run: " + choice.reason());
        try (Backend b = choice.backend(); Session session = Session.open(List.of(src.pack()), opts, b)) {
            saveCosts(session);
            double[] lat = new double[repeat];
            FrameResult last = frames(session::run, List.of(feeds), lat);
            ObjectNode summary = summarize(session, last, lat, b.name());
            System.out.println(summary);
        }
        return 0;
    }

    /**
     * A shipped model, through the perception pipeline the node runs: the manifest's preprocessing (for --image), the
     * run, and its head, whose detections or mask the summary reports.
     */
    private int runShipped(ResidencyMode mode, WeightPrecision weights, DirectIo io, Map<String, LayerCost> costs) throws Exception {
        ModelCatalog catalog = ModelCatalog.fromEnvironment();
        if (inputs.isEmpty() && image == null) image = catalog.data("messi5.jpg");
        PerceptionConfig config = new PerceptionConfig(List.of(source.manifest), backend, budget, mode, weights, io,
                HeadSettings.DEFAULTS.withScoreThreshold(scoreThreshold));
        try (Pipeline pipeline = Pipeline.open(config, catalog, new Pipeline.Tuning(!sequential, diskBandwidth, costs, null))) {
            System.err.println("dlayer run: " + pipeline.backendReason());
            saveCosts(pipeline.session());
            Map<String, float[]> feeds;
            if (image != null) {
                photo = Preprocessor.load(image);
                feeds = Pipeline.inputs(pipeline.manifests(), photo).get(0);
            } else {
                feeds = feeds(null, pipeline.session().models().get(0));
            }
            double[] lat = new double[repeat];
            FrameResult last = frames(pipeline::infer, List.of(feeds), lat);
            ObjectNode summary = summarize(pipeline.session(), last, lat, pipeline.backendName());
            if (photo != null) describe(pipeline.decode(last, photo).get(0), summary);
            System.out.println(summary);
        }
        return 0;
    }

    private void saveCosts(Session session) throws IOException {
        if (costsOut == null) return;
        if (session.profile() == null) throw new IllegalArgumentException("--save-costs: this plan used no per-layer costs (they are measured for --residency auto with an --arena-size below fully resident)");
        CostsFile.write(costsOut, session.profile());
    }

    /** Runs --repeat frames, each one's latency into {@code lat}; the last frame. */
    private FrameResult frames(Function<List<Map<String, float[]>>, FrameResult> run, List<Map<String, float[]>> feeds, double[] lat) {
        FrameResult last = null;
        for (int i = 0; i < lat.length; i++) {
            last = run.apply(feeds);
            lat[i] = last.stats().latencyMs();
        }
        return last;
    }

    /** Writes the outputs as .npy and returns the frame's figures as JSON. */
    private ObjectNode summarize(Session session, FrameResult last, double[] lat, String backendName) throws IOException {
        LayeredModel model = session.models().get(0);
        Files.createDirectories(outputDir);
        for (Map.Entry<String, float[]> e : last.outputs().get(0).entrySet()) {
            Path f = outputDir.resolve(e.getKey().replaceAll("[^A-Za-z0-9_.-]", "_") + ".npy");
            Npy.write(f, model.activationShapes().get(e.getKey()), e.getValue());
        }
        ObjectNode summary = json(session.plan(), last.stats(), lat, model, backendName);
        summary.put("direct_io", session.directIo());
        return summary;
    }

    static ResidencyMode parseMode(String s) {
        try {
            return ResidencyMode.valueOf(s.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--residency/--resident must be none, auto or all, got '" + s + "'");
        }
    }

    /** --weight-precision, or its old spelling --fp16; the two must not disagree. */
    private WeightPrecision weightPrecision() {
        if (weightPrecision == null) return fp16 ? WeightPrecision.FP16 : WeightPrecision.FP32;
        WeightPrecision p = WeightPrecision.parse(weightPrecision, "--weight-precision");
        if (fp16 && p != WeightPrecision.FP16) {
            throw new IllegalArgumentException("--fp16 and --weight-precision " + weightPrecision + " disagree: give one of them");
        }
        return p;
    }

    /** The model's inputs from --image (preprocessed per {@code imageSpec}) or the --input files, each checked against the model. */
    private Map<String, float[]> feeds(PreprocessingSpec imageSpec, LayeredModel model) throws IOException {
        Map<String, float[]> feeds = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(model.inputs().keySet());
        if (image != null) {
            if (names.size() != 1) throw new IllegalArgumentException("--image needs a model with one input; this one has " + names);
            int[] shape = model.inputs().get(names.get(0));
            photo = Preprocessor.load(image);
            feeds.put(names.get(0), Preprocessor.toTensor(photo, shape, imageSpec));
        }
        int next = 0;
        for (String spec : inputs) {
            int eq = spec.indexOf('=');
            String name = eq > 0 ? spec.substring(0, eq) : (next < names.size() ? names.get(next++) : null);
            Path file = Path.of(eq > 0 ? spec.substring(eq + 1) : spec);
            if (name == null || !model.inputs().containsKey(name)) {
                throw new IllegalArgumentException("--input " + spec + ": the model's inputs are " + names);
            }
            int[] shape;
            float[] data;
            if (file.toString().endsWith(".pb")) {
                ConstTensor t = TensorProtos.readFile(file).tensor();
                if (t.type() != dev.demandlayering.runtime.graph.DataType.FLOAT) {
                    throw new IllegalArgumentException("--input " + file + ": the tensor's element type is " + t.type().name().toLowerCase()
                            + "; input '" + name + "' takes float32 (the runtime computes in float32)");
                }
                shape = t.shape();
                data = t.floats();
            } else {
                if (!Files.exists(file)) throw new java.nio.file.NoSuchFileException(file.toString(), null, "input file not found");
                if (Files.isDirectory(file)) throw new IllegalArgumentException("--input " + file + " is a directory; expected a .npy or .pb file");
                Npy.Array a = Npy.read(file);
                shape = a.shape();
                data = a.data();
            }
            int[] want = model.inputs().get(name);
            if (!Arrays.equals(shape, want)) {
                throw new IllegalArgumentException("--input " + file + ": input '" + name + "' needs shape " + Arrays.toString(want) + ", file has "
                        + Arrays.toString(shape));
            }
            feeds.put(name, data);
        }
        if (feeds.size() != names.size()) throw new IllegalArgumentException("the model needs inputs " + names + "; given " + feeds.keySet()
                + " (use --input NAME=FILE or --image)");
        return feeds;
    }

    /** What the shipped model saw: detections (also printed one per line) or a mask written as PNG. */
    private void describe(ModelResult result, ObjectNode summary) throws IOException {
        if (result instanceof ModelResult.Failed failed) {
            throw new IllegalStateException("model '" + failed.model() + "': its head could not decode the outputs (written to " + outputDir + "): "
                    + failed.error().getMessage(), failed.error());
        }
        if (result instanceof ModelResult.Detections found) {
            var arr = summary.putArray("detections");
            for (Detection d : found.detections()) {
                System.out.printf("%-14s %.3f  box (%.0f, %.0f)-(%.0f, %.0f)%n", d.className(), d.score(), d.x1(), d.y1(), d.x2(), d.y2());
                arr.addObject().put("class", d.className()).put("score", round(d.score()))
                        .putPOJO("box", new double[] {round(d.x1()), round(d.y1()), round(d.x2()), round(d.y2())});
            }
        } else if (result instanceof ModelResult.Mask segmented) {
            SegmentationMask mask = segmented.mask();
            Path png = outputDir.resolve("mask.png");
            // through OpenCV, not javax.imageio: the GPU bundle's Java runtime has no desktop module
            byte[] rgb = new byte[mask.classIds().length * 3];
            for (int i = 0; i < mask.classIds().length; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = (byte) (mask.classIds()[i] == 0 ? 0 : 255);
            Files.write(png, dev.demandlayering.perception.ImageCodec.encodePng(new RgbImage(mask.width(), mask.height(), rgb)));
            System.out.printf("mask: %s -> %s%n", segmented.summary(), png);
            summary.put("mask_coverage", round(mask.coverage(1)));
        }
    }

    static ObjectNode json(ArenaPlan plan, FrameStats s, double[] latencies, LayeredModel model, String backendName) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("model", model.name());
        o.put("backend", backendName);
        o.put("arena_bytes", s.arenaBytes());
        o.put("peak_bytes", s.peakBytes());
        o.put("minimum_bytes", plan.minimumBytes());
        o.put("resident_weight_bytes", s.residentWeightBytes());
        o.put("streamed_weight_bytes", s.streamedWeightBytes());
        o.put("model_weight_bytes", s.modelWeightBytes());
        o.put("layers", model.layers().size());
        o.put("resident_layers", plan.residentLayerCount());
        o.put("slack_layers", plan.slackLayerCount());
        o.put("latency_ms", round(s.latencyMs()));
        double[] sorted = latencies.clone();
        Arrays.sort(sorted);
        o.put("median_latency_ms", round(sorted[sorted.length / 2]));
        o.put("stall_ms", round(s.stallMs()));
        o.put("compute_ms", round(s.computeMs()));
        o.put("bytes_read", s.bytesRead());
        if (!Double.isNaN(plan.predictedFrameMs())) o.put("predicted_latency_ms", round(plan.predictedFrameMs()));
        o.put("frames", latencies.length);
        return o;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
