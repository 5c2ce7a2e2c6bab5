package dev.demandlayering.cli;

import dev.demandlayering.models.PreprocessingSpec;
import dev.demandlayering.models.ModelCatalog;
import dev.demandlayering.models.ModelManifest;
import dev.demandlayering.runtime.ModelImporter;
import dev.demandlayering.perception.Preprocessor;
import dev.demandlayering.runtime.pack.PackFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resolves what to run: a pack, a model file packed on the fly (into a temporary file), or a shipped model
 * by manifest name. Carries the manifest's preprocessing when there is one.
 */
record ModelSource(PackFile pack, ModelManifest manifest) {
    static ModelSource resolve(Path pack, Path model, String manifestName, boolean fp16) throws IOException {
        if (pack != null) return new ModelSource(PackFile.open(pack), null);
        ModelManifest manifest = null;
        if (model == null) {
            ModelCatalog cat = ModelCatalog.fromEnvironment();
            manifest = cat.manifest(manifestName);
            model = cat.modelFile(manifest);
        }
        Path tmp = Files.createTempFile("dlayer-", ".dlp");
        tmp.toFile().deleteOnExit();
        ModelImporter.pack(model, tmp, fp16);
        return new ModelSource(PackFile.open(tmp), manifest);
    }

    /** Preprocessing for --image: the manifest's, else RGB in [0, 1] in the layout the input shape implies. */
    PreprocessingSpec imageSpec(int[] shape) {
        if (manifest != null) return manifest.preprocessing();
        boolean nchw = shape.length == 4 && shape[1] == 3;
        return PreprocessingSpec.unitRgb(nchw ? "NCHW" : "NHWC");
    }
}
