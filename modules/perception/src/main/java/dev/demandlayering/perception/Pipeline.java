package dev.demandlayering.perception;

import dev.demandlayering.models.ModelCatalog;
import dev.demandlayering.models.ModelManifest;
import dev.demandlayering.models.ModelSession;
import dev.demandlayering.runtime.Backends;
import dev.demandlayering.runtime.Session;
import dev.demandlayering.runtime.exec.Backend;
import dev.demandlayering.runtime.exec.Engine;
import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.exec.FrameStats;
import dev.demandlayering.runtime.plan.LayerCost;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The perception pipeline, free of any transport: the configured models packed into the cache and planned into one
 * arena on the chosen backend, and per frame the image preprocessed for each model, every model run through the one
 * session, and each model's head decoded. The ROS node, the replayer and the CLI call it; a program of its own can too.
 * Not thread-safe: one thread runs frames.
 */
public final class Pipeline implements AutoCloseable {
    private final List<ModelHead> heads = new ArrayList<>();
    /** The heads' manifests, in order: fixed, where the heads change with their settings. */
    private final List<ModelManifest> manifests;
    private final Backend backend;
    private final String backendReason;
    private final boolean ownsBackend;
    private final ModelSession models;

    /** One frame's results, per model in the configured order, and the frame's statistics. */
    public record Frame(List<ModelResult> results, FrameStats stats) {
    }

    /**
     * The runtime's knobs below the perception settings, which the CLI's run and benchmarks turn and the node leaves at
     * their defaults: whether reads overlap compute (off: the paper's sequential baseline), a cap on the weight reads'
     * bandwidth in bytes per second (0: none), measured per-layer costs for the trade-off instead of profiling (null:
     * profile), and a backend the caller opened and closes, shared by several pipelines (null: the pipeline selects
     * {@link PerceptionConfig#backend()} and closes it with itself).
     */
    public record Tuning(boolean prefetch, long diskBytesPerSecond, Map<String, LayerCost> costs, Backends.Choice sharedBackend) {
        public static final Tuning DEFAULTS = new Tuning(true, 0, null, null);

        public Tuning {
            if (diskBytesPerSecond < 0) throw new IllegalArgumentException("the disk bandwidth cap must be 0 (none) or bytes per second, got " + diskBytesPerSecond);
        }

        public Tuning withPrefetch(boolean on) {
            return new Tuning(on, diskBytesPerSecond, costs, sharedBackend);
        }

        public Tuning withSharedBackend(Backends.Choice choice) {
            return new Tuning(prefetch, diskBytesPerSecond, costs, choice);
        }
    }

    private Pipeline(List<ModelHead> heads, Backends.Choice choice, boolean ownsBackend, ModelSession models) {
        this.heads.addAll(heads);
        this.manifests = heads.stream().map(ModelHead::manifest).toList();
        this.backend = choice.backend();
        this.backendReason = choice.reason();
        this.ownsBackend = ownsBackend;
        this.models = models;
    }

    /** {@link #open(PerceptionConfig, ModelCatalog, Tuning)} with the runtime's defaults, as the node runs. */
    public static Pipeline open(PerceptionConfig config, ModelCatalog catalog) throws IOException {
        return open(config, catalog, Tuning.DEFAULTS);
    }

    /**
     * Reads every manifest and builds its head (a bad manifest fails here), picks the backend (or takes the shared
     * one), packs the models and plans the arena (a bad model or an arena below the minimum fails here): nothing is
     * left open on failure.
     */
    public static Pipeline open(PerceptionConfig config, ModelCatalog catalog, Tuning tuning) throws IOException {
        List<ModelManifest> manifests = new ArrayList<>();
        List<ModelHead> heads = new ArrayList<>();
        for (String name : config.models()) {
            ModelManifest m = catalog.manifest(name);
            manifests.add(m);
            heads.add(ModelHead.of(m, config.heads()));
        }
        boolean owns = tuning.sharedBackend() == null;
        Backends.Choice choice = owns ? Backends.select(config.backend()) : tuning.sharedBackend();
        try {
            Session.Options options = Session.Options.builder().budget(config.arenaSize()).mode(config.residency()).prefetch(tuning.prefetch())
                    .io(new Engine.Options(config.directIo(), true, tuning.diskBytesPerSecond())).costs(tuning.costs()).weights(config.weights()).build();
            return new Pipeline(heads, choice, owns, new ModelSession(catalog, manifests, options, choice.backend()));
        } catch (IOException | RuntimeException e) {
            if (owns) choice.backend().close();
            throw e;
        }
    }

    /** Each model's input tensor for {@code image}, preprocessed as its manifest says, keyed by the model's input name. */
    public static List<Map<String, float[]>> inputs(List<ModelManifest> manifests, RgbImage image) {
        List<Map<String, float[]>> inputs = new ArrayList<>();
        for (ModelManifest m : manifests) inputs.add(Map.of(m.inputName(), Preprocessor.modelInput(m, image)));
        return inputs;
    }

    public List<ModelManifest> manifests() {
        return manifests;
    }

    public List<String> modelNames() {
        return manifests().stream().map(ModelManifest::name).toList();
    }

    /** "cpu" or "cuda". */
    public String backendName() {
        return backend.name();
    }

    /** Why this backend runs the models (a GPU found, or why not). */
    public String backendReason() {
        return backendReason;
    }

    /** The session behind the models (its plan, its reads), for diagnostics. */
    public Session session() {
        return models.session();
    }

    /**
     * The heads' thresholds from now on (score, NMS, most detections, mask): the next {@link #run} decodes with them.
     * Call it between frames, from the thread that runs them.
     */
    public void heads(HeadSettings settings) {
        for (int i = 0; i < heads.size(); i++) heads.set(i, ModelHead.of(heads.get(i).manifest(), settings));
    }

    /** How often a damaged pack was re-packed while running. */
    public int repacks() {
        return models.repacks();
    }

    /** The packs the models stream from, in the configured order (in the catalog's pack cache). */
    public List<Path> packPaths() {
        return models.packPaths();
    }

    /**
     * Runs every model on {@code image}. A failure to run the models (inference) is thrown as it came ({@link
     * ModelSession.Unrecoverable} when they cannot run again); a head that fails on its outputs is that model's {@link
     * ModelResult.Failed}, and the other models' results stand.
     */
    public Frame run(RgbImage image) {
        FrameResult r = infer(inputs(manifests, image));
        return new Frame(decode(r, image), r.stats());
    }

    /**
     * The middle stage alone: every model run on tensors already preprocessed ({@link #inputs}, or a file), their raw
     * outputs by name. The benchmarks time this stage; {@code run} writes its outputs. Failures as {@link #run}.
     */
    public FrameResult infer(List<Map<String, float[]>> inputs) {
        return models.run(inputs);
    }

    /**
     * The last stage alone: each model's head decoded from its raw outputs, with boxes in {@code image}'s pixels; a
     * head that fails is that model's {@link ModelResult.Failed}.
     */
    public List<ModelResult> decode(FrameResult r, RgbImage image) {
        List<ModelResult> results = new ArrayList<>();
        for (int i = 0; i < heads.size(); i++) {
            try {
                results.add(heads.get(i).decode(r.outputs().get(i), image));
            } catch (RuntimeException | OutOfMemoryError e) {
                results.add(new ModelResult.Failed(heads.get(i).manifest().name(), e));
            }
        }
        return results;
    }

    @Override
    public void close() {
        models.close();
        if (ownsBackend) backend.close();
    }
}
