package dev.demandlayering.perception;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The YOLO and SSD output layouts, on tensors laid out as those exports write them, with one known object. */
class DecodersTest {
    private static final List<String> CLASSES = List.of("background", "person", "car");

    private static void assertBox(Detection d, String cls, double score, double x1, double y1, double x2, double y2) {
        assertEquals(cls, d.className());
        assertEquals(score, d.score(), 1e-6);
        assertEquals(x1, d.x1(), 1e-4);
        assertEquals(y1, d.y1(), 1e-4);
        assertEquals(x2, d.x2(), 1e-4);
        assertEquals(y2, d.y2(), 1e-4);
    }

    @Test
    void yolov5RowsMultiplyObjectnessAndClassAndScaleToTheSource() {
        // 3 anchors x (4 box + objectness + 3 classes); anchor 1 is a car at centre (320, 160), 100x50 input pixels
        float[] o = new float[3 * 8];
        float[] car = {320, 160, 100, 50, 0.9f, 0.1f, 0.0f, 0.8f};
        System.arraycopy(car, 0, o, 8, 8);
        o[4] = 0.2f; // anchor 0: weak objectness
        o[7] = 0.9f;
        List<Detection> d = new YoloDecoder("yolov5", 640, 320, 3, "out", CLASSES).candidates(Map.of("out", o), ImageGeometry.of(1280, 960, 640, 320, false), 0.5);
        assertEquals(1, d.size());
        assertBox(d.get(0), "car", 0.72, (320 - 50) * 2, (160 - 25) * 3, (320 + 50) * 2, (160 + 25) * 3);
    }

    @Test
    void yolov8ColumnsHaveNoObjectness() {
        // (4 + 3) x 2 anchors, column-major by anchor: anchor 1 is a person at (64, 64) 32x16
        int n = 2;
        float[] o = new float[7 * n];
        float[] person = {64, 64, 32, 16, 0.05f, 0.75f, 0.1f};
        for (int k = 0; k < 7; k++) o[k * n + 1] = person[k];
        List<Detection> d = new YoloDecoder("yolov8", 128, 128, n, "out", CLASSES).candidates(Map.of("out", o), ImageGeometry.of(128, 128, 128, 128, false), 0.5);
        assertEquals(1, d.size());
        assertBox(d.get(0), "person", 0.75, 48, 56, 80, 72);
    }

    @Test
    void ssdSkipsTheBackgroundAndReadsNormalisedYxyx() {
        float[] boxes = {0.1f, 0.2f, 0.5f, 0.6f, 0, 0, 1, 1};
        float[] scores = {0.05f, 0.9f, 0.05f, 0.97f, 0.01f, 0.02f};
        List<Detection> d = new SsdDecoder(2, "boxes", "scores", CLASSES).candidates(Map.of("boxes", boxes, "scores", scores), ImageGeometry.of(200, 100, 300, 300, false), 0.5);
        assertEquals(1, d.size(), "anchor 1 is background with 0.97");
        assertBox(d.get(0), "person", 0.9, 40, 10, 120, 50);
    }
}
