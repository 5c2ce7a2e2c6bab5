package dev.demandlayering;

import dev.demandlayering.models.ModelCatalog;
import dev.demandlayering.models.ModelManifest;
import dev.demandlayering.perception.Preprocessor;
import dev.demandlayering.runtime.ModelImporter;
import dev.demandlayering.runtime.io.Npy;
import dev.demandlayering.runtime.pack.PackFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** A shipped model packed into a test's folder, with its input for the sample photo (skips the test when models are not fetched). */
public record ShippedModel(ModelManifest manifest, Path modelFile, PackFile pack, Map<String, float[]> feeds) {
    public static ShippedModel load(String name, Path dir) throws IOException {
        ModelCatalog cat = TestRepo.catalog();
        ModelManifest m = cat.manifest(name);
        Path modelFile = TestRepo.cache().resolve("models").resolve(m.file());
        Assumptions.assumeTrue(Files.exists(modelFile) && Files.exists(cat.data("messi5.jpg")), "real models/images not fetched: run models/fetch.sh");
        Path packFile = dir.resolve(name + ".dlp");
        ModelImporter.pack(modelFile, packFile, false);
        return new ShippedModel(m, modelFile, PackFile.open(packFile), Map.of(m.inputName(), input(cat, m)));
    }

    /** The model's input for the sample photo: preprocessed here, or read from dlayer.test.inputs (the GPU bundle carries no image codecs). */
    static float[] input(ModelCatalog cat, ModelManifest m) throws IOException {
        String dir = System.getProperty("dlayer.test.inputs");
        if (dir != null && Files.exists(Path.of(dir, m.name() + ".npy"))) return Npy.read(Path.of(dir, m.name() + ".npy")).data();
        return Preprocessor.toTensor(Preprocessor.load(cat.data("messi5.jpg")), m.inputShape(), m.preprocessing());
    }
}
