package dev.demandlayering.perception;

import dev.demandlayering.models.ModelManifest;
import java.util.List;
import java.util.Map;

/**
 * One model's output head, built from its manifest and the thresholds: the raw outputs of a frame turned into
 * detections (decoder, then NMS) or a class mask at the image's resolution. A manifest whose head cannot be
 * built (unknown task or layout, a missing field) fails when the head is made, before any frame.
 */
public final class ModelHead {
    private final ModelManifest manifest;
    private final HeadSettings settings;
    private final DetectionDecoder detector;

    private ModelHead(ModelManifest manifest, HeadSettings settings, DetectionDecoder detector) {
        this.manifest = manifest;
        this.settings = settings;
        this.detector = detector;
    }

    public static ModelHead of(ModelManifest m, HeadSettings settings) {
        return switch (m.task()) {
            case "detection" -> new ModelHead(m, settings, Heads.detection(m));
            case "segmentation" -> {
                Heads.maskLayout(m); // a manifest without a mask layout fails here
                yield new ModelHead(m, settings, null);
            }
            default -> throw new IllegalArgumentException(m.source() + ": task '" + m.task() + "' has no output head (detection, segmentation)");
        };
    }

    public ModelManifest manifest() {
        return manifest;
    }

    /** The frame's result for this model from its raw {@code outputs} on {@code image}. */
    public ModelResult decode(Map<String, float[]> outputs, RgbImage image) {
        if (detector == null) {
            return new ModelResult.Mask(manifest.name(), Heads.mask(manifest, outputs, image, (float) settings.maskThreshold()),
                    manifest.classes().size() > 1 ? manifest.classes().get(1) : "class 1");
        }
        List<Detection> candidates = detector.candidates(outputs, Preprocessor.geometry(manifest.preprocessing(), image, manifest.inputShape()),
                settings.scoreThreshold());
        return new ModelResult.Detections(manifest.name(), Nms.apply(candidates, settings.nmsIou(), settings.maxDetections()));
    }
}
