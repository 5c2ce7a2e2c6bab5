package dev.demandlayering.models;

import dev.demandlayering.runtime.ModelImporter;
import dev.demandlayering.runtime.Session;
import dev.demandlayering.runtime.exec.Backend;
import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.io.Failures;
import dev.demandlayering.runtime.layers.WeightPrecision;
import dev.demandlayering.runtime.pack.PackFile;
import dev.demandlayering.runtime.pack.PackFormatException;
import dev.demandlayering.runtime.plan.ArenaPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A catalog's models packed into the cache and run through one {@link Session}, kept running through faults:
 * a frame that fails reopens the engine so the next frame starts clean, and a pack found damaged while
 * streaming (bad checksum, unreadable, truncated) is re-packed from its model once and the frame retried.
 * Only when that fails too, the models cannot run any more and {@link Unrecoverable} says why.
 */
public final class ModelSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelSession.class);

    /** The models cannot run any more (a damaged pack that re-packing did not mend); the message says why. */
    public static final class Unrecoverable extends RuntimeException {
        Unrecoverable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final ModelCatalog catalog;
    private final List<ModelManifest> manifests;
    private final List<Path> packPaths = new ArrayList<>();
    private final WeightPrecision weights;
    private final Backend backend;
    private Session.Options options;
    private Session session;
    private int repacks;

    /** Packs every model (float16 blobs too when {@code options} asks for them) and opens the session; start-up errors propagate. */
    public ModelSession(ModelCatalog catalog, List<ModelManifest> manifests, Session.Options options, Backend backend) throws IOException {
        this.catalog = catalog;
        this.manifests = List.copyOf(manifests);
        this.weights = options.weights();
        this.backend = backend;
        this.options = options;
        Path dir = Files.createDirectories(catalog.packDir());
        for (ModelManifest m : manifests) {
            // one pack per precision: a float32 and a float16 node sharing a cache never rewrite each other's pack
            Path p = dir.resolve(m.name() + (weights.isHalf() ? ".fp16" : "") + ".dlp");
            ModelImporter.pack(catalog.modelFile(m), p, weights.isHalf());
            packPaths.add(p);
        }
        session = open();
    }

    private Session open() throws IOException {
        List<PackFile> packs = new ArrayList<>();
        for (Path p : packPaths) packs.add(PackFile.open(p));
        Session s = Session.open(packs, options, backend);
        // later re-openings reuse the measured costs instead of profiling again
        if (s.profile() != null) options = options.withCosts(s.profile());
        return s;
    }

    /** Runs a frame; see the class comment for what happens on failure. */
    public FrameResult run(List<Map<String, float[]>> inputs) {
        if (session == null) throw new IllegalStateException("the models stopped after an unrecoverable fault");
        try {
            return session.run(inputs);
        } catch (OutOfMemoryError e) {
            // the frame stopped part-way (the loader may be ahead of compute): start the next one from a fresh engine
            reopen(new IllegalStateException("out of memory: " + e.getMessage(), e));
            throw e;
        } catch (RuntimeException e) {
            if (!isPackFault(e)) {
                reopen(e);
                throw e;
            }
            List<Integer> damaged = damaged(e);
            LOG.error("{}; re-packing {} from {} and retrying the frame", e.getMessage(), names(damaged), damaged.size() == 1 ? "its model" : "their models");
            try {
                closeSession();
                for (int i : damaged) ModelImporter.pack(catalog.modelFile(manifests.get(i)), packPaths.get(i), weights.isHalf());
                session = open();
            } catch (IOException | RuntimeException again) {
                throw new Unrecoverable("weights unreadable (" + e.getMessage() + ") and re-packing " + names(damaged) + " failed: " + Failures.describe(again), again);
            }
            repacks++;
            try {
                FrameResult r = session.run(inputs);
                LOG.info("re-packed {}: serving again", names(damaged));
                return r;
            } catch (RuntimeException again) {
                if (isPackFault(again)) throw new Unrecoverable("weights still unreadable after re-packing: " + again.getMessage(), again);
                reopen(again);
                throw again;
            }
        }
    }

    /** A failed frame leaves the engine stopped: open it again so the next frame runs, or give up when even that fails. */
    private void reopen(RuntimeException cause) {
        try {
            closeSession();
            session = open();
        } catch (IOException | RuntimeException e) {
            throw new Unrecoverable("after a failed frame (" + cause.getMessage() + ") the models could not be opened again: " + Failures.describe(e), e);
        }
    }

    /** Damage in the weights on disk: a bad checksum or table, a truncated file, or an I/O error reading it. */
    static boolean isPackFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PackFormatException || t instanceof UncheckedIOException || t instanceof IOException) return true;
        }
        return false;
    }

    /** The models whose pack the error names; all of them when it names none. */
    private List<Integer> damaged(Throwable e) {
        List<Integer> out = new ArrayList<>();
        String m = String.valueOf(e.getMessage());
        for (int i = 0; i < packPaths.size(); i++) if (m.contains(packPaths.get(i).toString())) out.add(i);
        if (out.isEmpty()) for (int i = 0; i < packPaths.size(); i++) out.add(i);
        return out;
    }

    private String names(List<Integer> models) {
        return models.stream().map(i -> manifests.get(i).name()).toList().toString();
    }

    /** How often a damaged pack was re-packed while running. */
    public int repacks() {
        return repacks;
    }

    public Session session() {
        return session;
    }

    /** The packs, one per manifest in order. */
    public List<Path> packPaths() {
        return List.copyOf(packPaths);
    }

    public ArenaPlan plan() {
        return session.plan();
    }

    private void closeSession() {
        Session s = session;
        session = null; // never closed twice, and a failed re-open leaves none behind
        if (s != null) s.close();
    }

    @Override
    public void close() {
        closeSession();
    }
}
