package dev.demandlayering.ros.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.ros.msg.SensorMsgs;
import dev.demandlayering.ros.msg.StdMsgs;
import dev.demandlayering.ros.msg.VisionMsgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The golden comparison's tolerances, on outputs made the way the node publishes them. */
class GoldenOutputsTest {
    static final StdMsgs.Header H = new StdMsgs.Header(new StdMsgs.Time(1, 2), "cam");

    static GoldenOutputs one(double score, double cx, byte[] mask) {
        GoldenOutputs g = new GoldenOutputs();
        g.startFrame("/cam", 1, 2);
        VisionMsgs.Detection2D d = new VisionMsgs.Detection2D(H, List.of(new VisionMsgs.Hypothesis("person", score, VisionMsgs.PoseWithCovariance.identity())),
                new VisionMsgs.BoundingBox2D(cx, 50, 0, 20, 40), "");
        g.output("/m/detections", new VisionMsgs.Detection2DArray(H, List.of(d)).encode());
        g.output("/s/mask", new SensorMsgs.Image(H, 10, 20, "mono8", 0, 20, mask).encode());
        return g;
    }

    @Test
    void differencesWithinTheToleranceMatchAndBeyondItAreNamed(@TempDir Path tmp) throws IOException {
        byte[] mask = new byte[200];
        GoldenOutputs golden = one(0.80, 100, mask);
        golden.write(tmp.resolve("g.json"));
        GoldenOutputs back = GoldenOutputs.read(tmp.resolve("g.json"));
        GoldenOutputs.Tolerance tol = GoldenOutputs.Tolerance.DEFAULT;
        assertEquals(List.of(), back.compare(one(0.805, 100.9, mask), tol));

        List<String> score = back.compare(one(0.83, 100, mask), tol);
        assertEquals(1, score.size());
        assertTrue(score.get(0).startsWith("frame 0 (/cam @ [1,2]) /m/detections: golden [\"person\",0.8,100.0,50.0,20.0,40.0]")
                && score.get(0).contains("score off by 0.0300"), score.get(0));

        byte[] changed = mask.clone();
        changed[0] = changed[1] = 1; // 2 of 200 pixels = 1% > 0.5%
        List<String> masks = back.compare(one(0.80, 100, changed), tol);
        assertEquals(List.of("frame 0 (/cam @ [1,2]) /s/mask: 2 of 200 mask pixels differ (1.000%, allowed 0.500%)"), masks);
        changed[1] = 0; // 0.5%: allowed
        assertEquals(List.of(), back.compare(one(0.80, 100, changed), tol));

        GoldenOutputs none = new GoldenOutputs();
        assertEquals(List.of("frame count: golden 1, replay 0"), back.compare(none, tol));
    }

    @Test
    void aFileThatIsNotGoldenOutputsIsNamed(@TempDir Path tmp) throws IOException {
        Path bad = Files.writeString(tmp.resolve("x.json"), "{\"frames\": 3}");
        IOException e = assertThrows(IOException.class, () -> GoldenOutputs.read(bad));
        assertEquals(bad + ": not a golden outputs file (no 'frames' array)", e.getMessage());
    }

    @Test
    void percentilesAreNearestRank() {
        double[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(5, ReplayReport.percentile(v, 50));
        assertEquals(10, ReplayReport.percentile(v, 95));
        assertEquals(10, ReplayReport.percentile(v, 99));
        assertEquals(1, ReplayReport.percentile(new double[] {1}, 99));
    }
}
