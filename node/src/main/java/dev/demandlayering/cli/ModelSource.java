package dev.demandlayering.cli;

import dev.demandlayering.models.PreprocessingSpec;
import dev.demandlayering.runtime.ModelImporter;
import dev.demandlayering.runtime.pack.PackFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code run} runs when it is not a shipped model (those go through the perception pipeline): a pack, or a
 * model file packed on the fly into a temporary file.
 */
record ModelSource(PackFile pack) {
    static ModelSource resolve(Path pack, Path model, boolean fp16) throws IOException {
        if (pack != null) return new ModelSource(PackFile.open(pack));
        Path tmp = Files.createTempFile("dlayer-", ".dlp");
        tmp.toFile().deleteOnExit();
        ModelImporter.pack(model, tmp, fp16);
        return new ModelSource(PackFile.open(tmp));
    }

    /** Preprocessing for --image without a manifest: RGB in [0, 1] in the layout the input shape implies. */
    static PreprocessingSpec imageSpec(int[] shape) {
        boolean nchw = shape.length == 4 && shape[1] == 3;
        return PreprocessingSpec.unitRgb(nchw ? "NCHW" : "NHWC");
    }
}
