package dev.demandlayering.perception;

import dev.demandlayering.models.PreprocessingSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Letterboxed inputs: aspect kept, image centred, grey padding; heads map results back through it. */
class LetterboxTest {
    private static final ImageGeometry G = ImageGeometry.of(640, 480, 320, 320, true);

    @Test
    void geometryScalesBothAxesAlikeAndCentres() {
        assertEquals(0.5, G.scaleX());
        assertEquals(0.5, G.scaleY());
        assertEquals(0, G.padX());
        assertEquals(40, G.padY());
        assertEquals(200, G.toSourceY(G.toInputY(200)), 1e-9);
        assertEquals(0, G.toSourceY(10), "the padding maps to the image edge");
    }

    @Test
    void paddingIsGreyAndTheImageKeepsItsColour() {
        byte[] rgb = new byte[640 * 480 * 3];
        Arrays.fill(rgb, (byte) 200);
        PreprocessingSpec spec = new PreprocessingSpec("NCHW", new float[3], new float[] {1, 1, 1}, false, true);
        float[] t = Preprocessor.toTensor(new RgbImage(640, 480, rgb), new int[] {1, 3, 320, 320}, spec);
        assertEquals(114 / 255f, t[5 * 320 + 100], 1e-6, "row 5 is padding");
        assertEquals(200 / 255f, t[160 * 320 + 100], 1e-6, "row 160 is image");
        assertEquals(114 / 255f, t[2 * 320 * 320 + 300 * 320 + 7], 1e-6, "row 300 (blue plane) is padding");
    }

    @Test
    void yoloBoxesComeBackThroughTheLetterbox() {
        float[] o = {160, 160, 100, 50, 0.9f, 0.9f};
        List<Detection> d = new YoloDecoder("yolov5", 320, 320, 1, "out", List.of("person")).candidates(Map.of("out", o), G, 0.5);
        assertEquals(1, d.size());
        assertEquals(220, d.get(0).x1(), 1e-9);
        assertEquals(190, d.get(0).y1(), 1e-9);
        assertEquals(420, d.get(0).x2(), 1e-9);
        assertEquals(290, d.get(0).y2(), 1e-9);
    }

    @Test
    void maskPixelsOnlyReadTheImagePartOfTheMap() {
        float[] prob = new float[320 * 320];
        for (int y = 0; y < 40; y++) for (int x = 0; x < 320; x++) prob[y * 320 + x] = 1; // only the top padding band is "person"
        SegmentationMask m = SegmentationMask.fromProbability(prob, 320, 320, G, 0.5f);
        assertEquals(640 * 480, m.classIds().length);
        assertEquals(0.0, m.coverage(1));
        for (int y = 40; y < 80; y++) for (int x = 0; x < 320; x++) prob[y * 320 + x] = 1; // the image's top 80 source rows
        assertEquals(80.0 / 480, SegmentationMask.fromProbability(prob, 320, 320, G, 0.5f).coverage(1), 2.0 / 480);
    }
}
