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
import java.io.IOException;
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
    private final Backend backend;
    private final String backendReason;
    private final ModelSession models;

    /** One frame's results, per model in the configured order, and the frame's statistics. */
    public record Frame(List<ModelResult> results, FrameStats stats) {
    }

    private Pipeline(List<ModelHead> heads, Backends.Choice choice, ModelSession models) {
        this.heads.addAll(heads);
        this.backend = choice.backend();
        this.backendReason = choice.reason();
        this.models = models;
    }

    /**
     * Reads every manifest and builds its head (a bad manifest fails here), picks the backend, packs the models and
     * plans the arena (a bad model or an arena below the minimum fails here): nothing is left open on failure.
     */
    public static Pipeline open(PerceptionConfig config, ModelCatalog catalog) throws IOException {
        List<ModelManifest> manifests = new ArrayList<>();
        List<ModelHead> heads = new ArrayList<>();
        for (String name : config.models()) {
            ModelManifest m = catalog.manifest(name);
            manifests.add(m);
            heads.add(ModelHead.of(m, config.heads()));
        }
        Backends.Choice choice = Backends.select(config.backend());
        try {
            Session.Options options = Session.Options.builder().budget(config.arenaSize()).mode(config.residency())
                    .io(Engine.Options.defaults().withDirectIo(config.directIo())).weights(config.weights()).build();
            return new Pipeline(heads, choice, new ModelSession(catalog, manifests, options, choice.backend()));
        } catch (IOException | RuntimeException e) {
            choice.backend().close();
            throw e;
        }
    }

    public List<ModelManifest> manifests() {
        return heads.stream().map(ModelHead::manifest).toList();
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

    /**
     * Runs every model on {@code image}. A failure to run the models (inference) is thrown as it came ({@link
     * ModelSession.Unrecoverable} when they cannot run again); a head that fails on its outputs is that model's {@link
     * ModelResult.Failed}, and the other models' results stand.
     */
    public Frame run(RgbImage image) {
        List<Map<String, float[]>> inputs = new ArrayList<>();
        for (ModelHead h : heads) {
            ModelManifest m = h.manifest();
            inputs.add(Map.of(m.inputName(), Preprocessor.modelInput(m, image)));
        }
        FrameResult r = models.run(inputs);
        List<ModelResult> results = new ArrayList<>();
        for (int i = 0; i < heads.size(); i++) {
            try {
                results.add(heads.get(i).decode(r.outputs().get(i), image));
            } catch (RuntimeException | OutOfMemoryError e) {
                results.add(new ModelResult.Failed(heads.get(i).manifest().name(), e));
            }
        }
        return new Frame(results, r.stats());
    }

    @Override
    public void close() {
        models.close();
        backend.close();
    }
}
