package dev.demandlayering.ros.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.demandlayering.ros.msg.SensorMsgs;
import dev.demandlayering.ros.msg.VisionMsgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The outputs a replay produced, frame by frame, in a form to keep (golden files) and compare: per frame the
 * camera and stamp, each detection topic's detections (class, score, box centre and size in pixels) and each
 * mask topic's mask (size and run-length-encoded class ids). Diagnostics and overlays are left out (timings
 * vary; overlays follow from the masks).
 */
public final class GoldenOutputs {
    /** How far a replay may differ from a golden file and still match. */
    public record Tolerance(double score, double boxPixels, double maskPixelFraction) {
        public static final Tolerance DEFAULT = new Tolerance(0.01, 1.0, 0.005);
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final ArrayNode frames;
    private ObjectNode current;

    public GoldenOutputs() {
        frames = JSON.createArrayNode();
    }

    private GoldenOutputs(ArrayNode frames) {
        this.frames = frames;
    }

    void startFrame(String camera, int sec, long nanosec) {
        current = frames.addObject();
        current.put("camera", camera);
        current.putArray("stamp").add(sec).add(nanosec);
        current.putObject("detections");
        current.putObject("masks");
    }

    /** Takes one published output message; keeps detections and masks. */
    void output(String topic, byte[] cdr) {
        if (current == null) return;
        if (topic.endsWith("/detections")) {
            ArrayNode list = ((ObjectNode) current.get("detections")).putArray(topic);
            for (VisionMsgs.Detection2D d : VisionMsgs.Detection2DArray.decode(cdr).detections()) {
                VisionMsgs.Hypothesis h = d.results().get(0);
                list.addArray().add(h.classId()).add(round(h.score(), 4)).add(round(d.bbox().centerX(), 2)).add(round(d.bbox().centerY(), 2))
                        .add(round(d.bbox().sizeX(), 2)).add(round(d.bbox().sizeY(), 2));
            }
        } else if (topic.endsWith("/mask")) {
            SensorMsgs.Image m = SensorMsgs.Image.decode(cdr);
            ObjectNode mask = ((ObjectNode) current.get("masks")).putObject(topic);
            mask.put("width", m.width());
            mask.put("height", m.height());
            ArrayNode rle = mask.putArray("rle");
            byte[] d = m.data();
            for (int i = 0; i < d.length; ) {
                int j = i;
                while (j < d.length && d[j] == d[i]) j++;
                rle.add(d[i] & 0xff).add(j - i);
                i = j;
            }
        }
    }

    public int frameCount() {
        return frames.size();
    }

    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "demand-layering golden replay outputs 1");
        root.set("frames", frames);
        JSON.writeValue(file.toFile(), root);
    }

    public static GoldenOutputs read(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "golden outputs file not found");
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not a golden outputs file (invalid JSON: " + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        if (root == null || !root.path("frames").isArray()) throw new IOException(file + ": not a golden outputs file (no 'frames' array)");
        return new GoldenOutputs((ArrayNode) root.get("frames"));
    }

    /** Every difference beyond the tolerance, one line each naming the frame and topic; empty when the outputs match. */
    public List<String> compare(GoldenOutputs actual, Tolerance tol) {
        List<String> diffs = new ArrayList<>();
        if (frames.size() != actual.frames.size()) diffs.add("frame count: golden " + frames.size() + ", replay " + actual.frames.size());
        for (int i = 0; i < Math.min(frames.size(), actual.frames.size()); i++) {
            JsonNode g = frames.get(i), a = actual.frames.get(i);
            String where = "frame " + i + " (" + g.path("camera").asText() + " @ " + g.path("stamp") + ")";
            // compared as text: a number read back from a file and one just made may differ in node class (int/long)
            if (!g.path("camera").asText().equals(a.path("camera").asText()) || !g.path("stamp").toString().equals(a.path("stamp").toString())) {
                diffs.add(where + ": replay frame is " + a.path("camera").asText() + " @ " + a.path("stamp"));
                continue;
            }
            compareDetections(where, g.path("detections"), a.path("detections"), tol, diffs);
            compareMasks(where, g.path("masks"), a.path("masks"), tol, diffs);
        }
        return diffs;
    }

    private static void compareDetections(String where, JsonNode g, JsonNode a, Tolerance tol, List<String> diffs) {
        if (!names(g).equals(names(a))) diffs.add(where + ": detection topics " + names(g) + " vs " + names(a));
        for (String topic : names(g)) {
            if (!a.has(topic)) continue;
            List<JsonNode> left = new ArrayList<>();
            a.get(topic).forEach(left::add);
            if (g.get(topic).size() != left.size()) {
                diffs.add(where + " " + topic + ": " + g.get(topic).size() + " detections in the golden file, " + left.size() + " in the replay");
            }
            for (JsonNode gd : g.get(topic)) {
                JsonNode best = null;
                double bestErr = Double.MAX_VALUE;
                for (JsonNode ad : left) {
                    if (!ad.get(0).asText().equals(gd.get(0).asText())) continue;
                    double err = 0;
                    for (int k = 2; k < 6; k++) err = Math.max(err, Math.abs(ad.get(k).asDouble() - gd.get(k).asDouble()));
                    if (err < bestErr) {
                        bestErr = err;
                        best = ad;
                    }
                }
                if (best == null) {
                    diffs.add(where + " " + topic + ": golden " + gd + " has no " + gd.get(0).asText() + " in the replay");
                    continue;
                }
                left.remove(best);
                double ds = Math.abs(best.get(1).asDouble() - gd.get(1).asDouble());
                if (ds > tol.score() || bestErr > tol.boxPixels()) {
                    diffs.add(String.format(Locale.ROOT, "%s %s: golden %s, replay %s (score off by %.4f, box by %.2f px; allowed %.4f, %.2f px)", where, topic,
                            gd, best, ds, bestErr, tol.score(), tol.boxPixels()));
                }
            }
        }
    }

    private static void compareMasks(String where, JsonNode g, JsonNode a, Tolerance tol, List<String> diffs) {
        if (!names(g).equals(names(a))) diffs.add(where + ": mask topics " + names(g) + " vs " + names(a));
        for (String topic : names(g)) {
            if (!a.has(topic)) continue;
            JsonNode gm = g.get(topic), am = a.get(topic);
            if (gm.path("width").asLong() != am.path("width").asLong() || gm.path("height").asLong() != am.path("height").asLong()) {
                diffs.add(where + " " + topic + ": mask " + am.path("width") + "x" + am.path("height") + ", golden " + gm.path("width") + "x" + gm.path("height"));
                continue;
            }
            byte[] x = expand(gm.get("rle")), y = expand(am.get("rle"));
            long differ = 0;
            for (int i = 0; i < Math.min(x.length, y.length); i++) if (x[i] != y[i]) differ++;
            differ += Math.abs(x.length - y.length);
            double frac = (double) differ / Math.max(1, x.length);
            if (frac > tol.maskPixelFraction()) {
                diffs.add(String.format(Locale.ROOT, "%s %s: %d of %d mask pixels differ (%.3f%%, allowed %.3f%%)", where, topic, differ, x.length, 100 * frac,
                        100 * tol.maskPixelFraction()));
            }
        }
    }

    private static byte[] expand(JsonNode rle) {
        int n = 0;
        for (int i = 1; i < rle.size(); i += 2) n += rle.get(i).asInt();
        byte[] out = new byte[n];
        int p = 0;
        for (int i = 0; i + 1 < rle.size(); i += 2) {
            java.util.Arrays.fill(out, p, p + rle.get(i + 1).asInt(), (byte) rle.get(i).asInt());
            p += rle.get(i + 1).asInt();
        }
        return out;
    }

    private static List<String> names(JsonNode o) {
        List<String> n = new ArrayList<>();
        o.fieldNames().forEachRemaining(n::add);
        return n;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
