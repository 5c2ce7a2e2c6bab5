package dev.demandlayering;

import dev.demandlayering.models.ModelCatalog;
import java.nio.file.Path;

/** Where the repository and the fetched models are, for tests (Maven passes dlayer.repo; DLAYER_CACHE is honoured). */
public final class TestRepo {
    private TestRepo() {
    }

    public static Path root() {
        return Path.of(System.getProperty("dlayer.repo", "..")).toAbsolutePath().normalize();
    }

    /** The fetched models and sample data (models/fetch.sh). */
    public static Path cache() {
        String c = System.getenv("DLAYER_CACHE");
        return c != null && !c.isEmpty() ? Path.of(c) : root().resolve(".cache");
    }

    public static ModelCatalog catalog() {
        return new ModelCatalog(root(), cache());
    }
}
