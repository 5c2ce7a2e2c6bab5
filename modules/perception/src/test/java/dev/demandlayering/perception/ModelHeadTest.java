package dev.demandlayering.perception;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.demandlayering.models.ModelCatalog;
import dev.demandlayering.models.ModelManifest;
import dev.demandlayering.models.OutputLayout;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A head is built from its manifest before any frame: a task its layout cannot serve, or an unknown task, fails by name. */
class ModelHeadTest {
    private static final Path MODELS = ModelCatalog.fromEnvironment().home().resolve("models");

    @Test
    void aTaskItsLayoutCannotServeFailsWhenTheHeadIsBuilt() throws IOException {
        ModelManifest selfie = ModelManifest.read(MODELS.resolve("selfie.yaml"));
        ModelManifest nanodet = ModelManifest.read(MODELS.resolve("nanodet.yaml"));
        assertEquals(selfie.source() + ": a detector needs a detection outputs.layout (nanodet-gfl, yolov5, yolov8, ssd), got 'sigmoid-mask'",
                assertThrows(IllegalArgumentException.class, () -> ModelHead.of(withTask(selfie, "detection", selfie.outputs()), HeadSettings.DEFAULTS))
                        .getMessage());
        assertEquals(nanodet.source() + ": a segmenter needs a mask outputs.layout (sigmoid-mask, softmax-mask), got 'nanodet-gfl'",
                assertThrows(IllegalArgumentException.class, () -> ModelHead.of(withTask(nanodet, "segmentation", nanodet.outputs()), HeadSettings.DEFAULTS))
                        .getMessage());
        assertEquals(selfie.source() + ": task 'depth' has no output head (detection, segmentation)",
                assertThrows(IllegalArgumentException.class, () -> ModelHead.of(withTask(selfie, "depth", selfie.outputs()), HeadSettings.DEFAULTS))
                        .getMessage());
    }

    private static ModelManifest withTask(ModelManifest m, String task, OutputLayout outputs) {
        return new ModelManifest(m.source(), m.name(), task, m.format(), m.file(), m.inputName(), m.inputShape(), m.preprocessing(), outputs, m.classes());
    }
}
