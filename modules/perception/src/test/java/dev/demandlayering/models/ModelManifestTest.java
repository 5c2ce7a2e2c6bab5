package dev.demandlayering.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Manifests' outputs sections become typed layouts when read; a bad one fails there, naming the file and the field. */
class ModelManifestTest {
    private static final Path MODELS = ModelCatalog.fromEnvironment().home().resolve("models");

    @TempDir
    Path tmp;

    @Test
    void theShippedManifestsReadAsTheirLayouts() throws IOException {
        OutputLayout.NanoDetGfl nanodet = assertInstanceOf(OutputLayout.NanoDetGfl.class, ModelManifest.read(MODELS.resolve("nanodet.yaml")).outputs());
        assertEquals(List.of(8, 16, 32), nanodet.strides());
        assertEquals(11, nanodet.regBins());
        assertEquals(List.of("Identity", "Identity_1", "Identity_2"), nanodet.scores());
        assertEquals(List.of("Identity_3", "Identity_4", "Identity_5"), nanodet.boxes());
        assertEquals(new OutputLayout.SigmoidMask("activation_10"), ModelManifest.read(MODELS.resolve("selfie.yaml")).outputs());
        assertEquals(new OutputLayout.SoftmaxMask("segment", 1), ModelManifest.read(MODELS.resolve("meet.yaml")).outputs());
    }

    @Test
    void aBadOutputsSectionIsNamedWithItsFileAndField() throws IOException {
        String nanodet = Files.readString(MODELS.resolve("nanodet.yaml"));
        String meet = Files.readString(MODELS.resolve("meet.yaml"));
        assertEquals(": field 'outputs.reg_bins' is missing", error(nanodet.replace("  reg_bins: 11\n", ""), "no-bins"));
        assertEquals(": 'outputs.reg_bins' must be a whole number of 1 or more, got 0", error(nanodet.replace("reg_bins: 11", "reg_bins: 0"), "zero-bins"));
        assertEquals(": 'outputs.strides' must hold whole numbers of 1 or more, got eight",
                error(nanodet.replace("strides: [8, 16, 32]", "strides: [eight, 16, 32]"), "word-stride"));
        assertEquals(": outputs.layout 'centernet' is not supported (detection: nanodet-gfl, yolov5, yolov8, ssd; segmentation: sigmoid-mask, "
                + "softmax-mask)", error(nanodet.replace("layout: nanodet-gfl", "layout: centernet"), "unknown-layout"));
        assertEquals(": task segmentation needs outputs.layout sigmoid-mask, softmax-mask; got 'yolov8'",
                error(meet.replace("layout: softmax-mask", "layout: yolov8\n  anchors: 8400\n  output: out"), "task-mismatch"));
        assertEquals(": outputs.channel must be 0 or more, got -1", error(meet.replace("channel: 1", "channel: -1"), "negative-channel"));
        assertEquals(": field 'outputs.mask' is missing", error(meet.replace("  mask: segment\n", ""), "no-mask"));
    }

    /** The message of reading {@code yaml} as a manifest, after the file's path (which it must start with). */
    private String error(String yaml, String name) throws IOException {
        Path f = Files.writeString(tmp.resolve(name + ".yaml"), yaml);
        String message = assertThrows(IOException.class, () -> ModelManifest.read(f)).getMessage();
        assertEquals(f.toString(), message.substring(0, Math.min(message.length(), f.toString().length())), message);
        return message.substring(f.toString().length());
    }
}
