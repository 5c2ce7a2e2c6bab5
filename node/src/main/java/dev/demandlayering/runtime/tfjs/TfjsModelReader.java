package dev.demandlayering.runtime.tfjs;

import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.runtime.graph.ModelImportException;
import java.nio.file.Path;

/** TensorFlow.js graph-model importer (model.json + weight shards). */
public final class TfjsModelReader {
    private TfjsModelReader() {
    }

    public static Graph read(Path modelJson) {
        throw new ModelImportException(modelJson + ": TF.js graph models are not supported yet");
    }
}
