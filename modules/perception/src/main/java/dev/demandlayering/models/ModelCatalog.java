package dev.demandlayering.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Finds shipped manifests (models/*.yaml in the installation) and the fetched model files and sample data
 * (in the cache: $DLAYER_CACHE, else .cache under the installation), which models/fetch.sh fills.
 */
public final class ModelCatalog {
    private final Path home;
    private final Path cache;

    public ModelCatalog(Path home, Path cache) {
        this.home = home;
        this.cache = cache;
    }

    /** From the dlayer.home system property (set by bin/dlayer) or the working directory, and DLAYER_CACHE. */
    public static ModelCatalog fromEnvironment() {
        Path home = Path.of(System.getProperty("dlayer.home", ".")).toAbsolutePath().normalize();
        String c = System.getenv("DLAYER_CACHE");
        return new ModelCatalog(home, c != null && !c.isEmpty() ? Path.of(c) : home.resolve(".cache"));
    }

    public Path home() {
        return home;
    }

    public ModelManifest manifest(String name) throws IOException {
        return ModelManifest.read(home.resolve("models").resolve(name + ".yaml"));
    }

    /** The model file a manifest names, which must have been fetched. */
    public Path modelFile(ModelManifest m) throws IOException {
        Path p = cache.resolve("models").resolve(m.file());
        if (!Files.exists(p)) {
            throw new NoSuchFileException(p.toString(), null, "model '" + m.name() + "' has not been fetched; run models/fetch.sh");
        }
        return p;
    }

    public Path data(String file) {
        return cache.resolve("data").resolve(file);
    }

    public Path packDir() {
        return cache.resolve("packs");
    }
}
