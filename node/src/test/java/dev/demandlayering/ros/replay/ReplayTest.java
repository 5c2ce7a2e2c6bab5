package dev.demandlayering.ros.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.demandlayering.ChildCli;
import dev.demandlayering.TestRepo;
import dev.demandlayering.models.ModelCatalog;
import dev.demandlayering.ros.bag.BagOracle;
import dev.demandlayering.ros.bag.BagTopic;
import dev.demandlayering.ros.bag.RosBag;
import dev.demandlayering.ros.bag.RosBagWriter;
import dev.demandlayering.ros.msg.DiagnosticMsgs;
import dev.demandlayering.ros.msg.SensorMsgs;
import dev.demandlayering.ros.msg.StdMsgs;
import dev.demandlayering.ros.msg.VisionMsgs;
import dev.demandlayering.ros.node.FrameProcessor;
import dev.demandlayering.ros.params.NodeParameters;
import dev.demandlayering.ros.params.RosArgs;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replaying bags through the node's frame path: golden outputs, recording, reports, live-like drops, bad bags. */
class ReplayTest {
    static final Path GOLDEN = TestRepo.root().resolve("node/src/test/resources/golden/vtest-tight-memory.json");
    static final Path TIGHT = TestRepo.root().resolve("params/tight_memory.yaml");
    /** The shipped file names the camera image_raw/compressed; the sample bag's is /camera/image_raw/compressed. */
    static final String CAMERA = "image_raw:=/camera/image_raw";

    @TempDir
    Path tmp;

    /** {@code dlayer ARGS...} in a child JVM, as a user runs it. */
    static ChildCli.Result dlayer(String... args) throws Exception {
        return ChildCli.run(args);
    }

    static void assumeModels() {
        Assumptions.assumeTrue(Files.exists(TestRepo.cache().resolve("models/nanodet.bin")), "models not fetched (models/fetch.sh)");
    }

    @Test
    void sampleBagReplaysToTheGoldenOutputsWithReportAndRecording() throws Exception {
        assumeModels();
        Path bag = SampleBag.path();
        Path out = tmp.resolve("outputs"), report = tmp.resolve("report");
        // use_sim_time: the node's clock is the bag's, so end_to_end_ms and the diagnostics' period are measured on it
        ChildCli.Result r = dlayer("replay", bag.toString(), "--params-file", TIGHT.toString(), "-r", CAMERA, "-p", "use_sim_time:=true",
                "--as-fast-as-possible", "--record", out.toString(),
                "--report", report.toString(), "--check-golden", GOLDEN.toString());
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("outputs match " + GOLDEN + " (20 frames)"), r.out());
        assertTrue(r.out().matches("(?s).*20 frames in [\\d.]+ s \\(0 invalid, 0 failed, 0 dropped\\): latency p50 [\\d.]+ ms, p95 [\\d.]+ ms, p99 [\\d.]+ ms.*"), r.out());

        // the report: percentiles, arena within its size, every frame, and a plot
        JsonNode rep = new ObjectMapper().readTree(report.resolve("report.json").toFile());
        JsonNode s = rep.get("summary");
        assertEquals(20, s.get("frames").asInt());
        assertEquals(20, rep.get("frames").size());
        assertTrue(s.get("p50").asDouble() > 0 && s.get("p50").asDouble() <= s.get("p95").asDouble() && s.get("p95").asDouble() <= s.get("p99").asDouble(), s.toString());
        assertEquals(14L << 20, s.get("arenaBytes").asLong());
        assertTrue(s.get("peakBytes").asLong() > 0 && s.get("peakBytes").asLong() <= 14L << 20, s.toString());
        assertTrue(s.get("bytesRead").asLong() > 0, "tight memory streams weights: " + s);
        assertTrue(s.get("stallShare").asDouble() >= 0 && s.get("stallShare").asDouble() < 1, s.toString());
        String md = Files.readString(report.resolve("report.md"));
        assertTrue(md.contains("| frames | invalid | dropped | p50 ms | p95 ms | p99 ms |") && md.contains("| 19 | /camera/image_raw/compressed |"), md);
        BufferedImage png = ImageIO.read(report.resolve("latency.png").toFile());
        assertEquals(List.of(1000, 600), List.of(png.getWidth(), png.getHeight()));

        // the recorded bag: every output of every frame, with the camera's stamps and log times
        RosBag rec = RosBag.open(out);
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (BagTopic t : rec.topics()) counts.put(t.name(), t.messageCount());
        // 20 frames at 5 Hz: /diagnostics at 1, 2 and 3 s of the bag's clock (the first frame opens the period)
        assertEquals(Map.of("/demand_layering/nanodet/detections", 20L, "/demand_layering/selfie/mask", 20L, "/demand_layering/frame_stats", 20L,
                "/diagnostics", 3L), counts);
        List<Double> endToEnd = new ArrayList<>();
        rec.read(Set.of("/demand_layering/frame_stats"), m -> DiagnosticMsgs.DiagnosticArray.decode(m.data()).status().get(0).values().stream()
                .filter(kv -> kv.key().equals("end_to_end_ms")).forEach(kv -> endToEnd.add(Double.parseDouble(kv.value()))));
        assertEquals(20, endToEnd.size());
        assertTrue(endToEnd.stream().allMatch(e -> Math.abs(e) < 1000), "the stamps are the bag's own times: " + endToEnd);
        List<DiagnosticMsgs.DiagnosticArray> periods = new ArrayList<>();
        rec.read(Set.of("/diagnostics"), m -> periods.add(DiagnosticMsgs.DiagnosticArray.decode(m.data())));
        assertEquals(List.of(1_600_000_001, 1_600_000_002, 1_600_000_003), periods.stream().map(d -> d.header().stamp().sec()).toList());
        assertEquals(List.of("demand_layering: /camera/image_raw/compressed", "demand_layering: nanodet", "demand_layering: selfie", "demand_layering: arena"),
                periods.get(0).status().stream().map(DiagnosticMsgs.DiagnosticStatus::name).toList());
        List<Long> inputTimes = new ArrayList<>();
        RosBag.open(bag).read(null, m -> inputTimes.add(m.logTimeNanos()));
        List<VisionMsgs.Detection2DArray> dets = new ArrayList<>();
        List<Long> outputTimes = new ArrayList<>();
        rec.read(Set.of("/demand_layering/nanodet/detections"), m -> {
            dets.add(VisionMsgs.Detection2DArray.decode(m.data()));
            outputTimes.add(m.logTimeNanos());
        });
        assertEquals(inputTimes, outputTimes);
        assertEquals(new StdMsgs.Header(new StdMsgs.Time(1_600_000_000, 200_000_000), "camera"), dets.get(1).header());
        assertTrue(dets.stream().allMatch(d -> d.detections().stream().anyMatch(x -> x.results().get(0).classId().equals("person"))),
                "people walk through every frame of vtest");
        if (Files.isDirectory(TestRepo.root().resolve("tools/bag-oracle/node_modules/@mcap/core"))) {
            String oracle = BagOracle.run("read-mcap.mjs", rec.path().resolve("outputs_0.mcap").toString());
            assertTrue(oracle.contains("\"indexed\":63") && oracle.contains("\"streamed\":63"), oracle);
        }
    }

    /**
     * SIGTERM in the middle of {@code replay --record}: the current frame is finished, the recording closed with its
     * summary, footer and metadata.yaml, and the process exits 0; the bag opens in {@code dlayer bag info} and in
     * Foxglove's indexed reader with every frame the replay says it processed.
     */
    @Test
    void sigtermDuringARecordingFinishesTheBag() throws Exception {
        assumeModels();
        Path bag = SampleBag.path();
        Path out = tmp.resolve("interrupted");
        Process p = ChildCli.start(TestRepo.cache(), "replay", bag.toString(), "--params-file", TIGHT.toString(), "-r", CAMERA, "--rate", "1", "-p",
                "log_every_n_frames:=1", "--record", out.toString(), "--report", tmp.resolve("report").toString());
        StringBuilder log = new StringBuilder();
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
        int frames = 0;
        for (String line; (line = in.readLine()) != null; ) {
            log.append(line).append('\n');
            if (line.startsWith("[INFO] ") && line.contains("frame ") && line.contains(" ms (stall") && ++frames == 3) {
                new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
            }
        }
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), log.toString());
        assertEquals(0, p.exitValue(), log.toString());
        assertTrue(log.toString().contains("SIGTERM received: finishing the current frame"), log.toString());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("stopped by SIGTERM after (\\d+) frames").matcher(log);
        assertTrue(m.find(), log.toString());
        int processed = Integer.parseInt(m.group(1));
        assertTrue(processed >= 3 && processed < 20, log.toString());

        ChildCli.Result info = dlayer("bag", "info", out.toString());
        assertEquals(0, info.code(), info.out());
        assertTrue(info.out().contains("| /demand_layering/frame_stats | diagnostic_msgs/msg/DiagnosticArray | cdr | " + processed + " |"), info.out());
        long recorded = 0;
        for (BagTopic t : RosBag.open(out).topics()) recorded += t.messageCount();
        assertTrue(recorded >= 3L * processed, "every output of every frame, and the periods' /diagnostics: " + recorded);
        BagOracle.assumeInstalled();
        String oracle = BagOracle.run("read-mcap.mjs", out.resolve("interrupted_0.mcap").toString());
        assertTrue(oracle.contains("\"indexed\":" + recorded) && oracle.contains("\"streamed\":" + recorded), oracle);
    }

    /** A second signal does not wait for the frame: the replay aborts at once with 128 + the signal's number. */
    @Test
    void aSecondSignalAborts() throws Exception {
        assumeModels();
        Process p = ChildCli.start(TestRepo.cache(), "replay", SampleBag.path().toString(), "--params-file", TIGHT.toString(), "-r", CAMERA, "--rate", "1", "-p",
                "log_every_n_frames:=1", "--report", tmp.resolve("report").toString());
        StringBuilder log = new StringBuilder();
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
        for (String line; (line = in.readLine()) != null; ) {
            log.append(line).append('\n');
            if (line.startsWith("[INFO] ") && line.contains("frame 1 (")) {
                new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
                Thread.sleep(200);
                new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            }
        }
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), log.toString());
        assertEquals(130, p.exitValue(), log.toString());
        assertTrue(log.toString().contains("second SIGINT: aborting"), log.toString());
    }

    /** The NanoDet weights file changed (the sign of its largest weight tensor flipped): the golden check fails and says where. */
    @Test
    void aDeliberateModelChangeIsCaught() throws Exception {
        assumeModels();
        Path bag = SampleBag.path();
        Path cache = Files.createDirectories(tmp.resolve("cache/models"));
        for (String f : List.of("nanodet.json", "selfie.json", "selfie.bin")) Files.copy(TestRepo.cache().resolve("models/" + f), cache.resolve(f));
        ByteBuffer w = ByteBuffer.wrap(Files.readAllBytes(TestRepo.cache().resolve("models/nanodet.bin"))).order(ByteOrder.LITTLE_ENDIAN);
        long[] largest = largestFloatWeight(TestRepo.cache().resolve("models/nanodet.json"));
        int signByte = (int) largest[2] - 1; // little endian: the sign bit is in the element's last byte (float32 and float16 alike)
        for (long i = largest[0]; i < largest[0] + largest[2] * largest[1]; i += largest[2]) w.put((int) i + signByte, (byte) (w.get((int) i + signByte) ^ 0x80));
        Files.write(cache.resolve("nanodet.bin"), w.array());
        RosArgs args = RosArgs.parse(new String[] {"--ros-args", "--params-file", TIGHT.toString(), "-r", CAMERA}, NodeParameters.DEFAULT_NODE_NAME);
        Replayer.Result r;
        try (FrameProcessor p = new FrameProcessor(args, NodeParameters.gather(args), new ModelCatalog(TestRepo.root(), tmp.resolve("cache")))) {
            r = Replayer.run(p, RosBag.open(bag), new Replayer.Options(p.cameras(), 0, null, false, false));
        }
        assertEquals(20, r.frames().size());
        List<String> diffs = GoldenOutputs.read(GOLDEN).compare(r.outputs(), GoldenOutputs.Tolerance.DEFAULT);
        assertTrue(!diffs.isEmpty(), "a changed model must not match the golden outputs");
        assertTrue(diffs.stream().allMatch(d -> d.contains("/demand_layering/nanodet/detections")), "only the detector changed: " + diffs);
        assertTrue(diffs.get(0).matches("frame \\d+ \\(/camera/image_raw/compressed @ \\[1600000000,\\d+]\\) /demand_layering/nanodet/detections: .*"), diffs.get(0));
    }

    /** {byte offset, element count, bytes per element} of the largest float tensor in a TF.js graph model's weights manifest (one .bin). */
    static long[] largestFloatWeight(Path modelJson) throws Exception {
        long offset = 0;
        long[] best = {0, 0, 4};
        for (JsonNode group : new ObjectMapper().readTree(modelJson.toFile()).get("weightsManifest")) {
            for (JsonNode wt : group.get("weights")) {
                long n = 1;
                for (JsonNode d : wt.get("shape")) n *= d.asLong();
                String stored = wt.path("quantization").path("dtype").asText(wt.get("dtype").asText());
                int size = switch (stored) {
                    case "float16", "uint16" -> 2;
                    case "uint8" -> 1;
                    default -> 4;
                };
                boolean isFloat = stored.equals("float32") || stored.equals("float16");
                if (isFloat && wt.get("dtype").asText().equals("float32") && n > best[1]) best = new long[] {offset, n, size};
                offset += size * n;
            }
        }
        return best;
    }

    /** At the bag's own pace with --drop-frames, frames that come while the node is busy are dropped, newest kept, as live. */
    @Test
    void dropFramesBehavesAsALiveNode() throws Exception {
        assumeModels();
        Path bag = SampleBag.path();
        RosArgs args = RosArgs.parse(new String[] {"--ros-args", "--params-file", TIGHT.toString(), "-r", CAMERA}, NodeParameters.DEFAULT_NODE_NAME);
        Replayer.Result r;
        try (FrameProcessor p = new FrameProcessor(args, NodeParameters.gather(args), TestRepo.catalog())) {
            r = Replayer.run(p, RosBag.open(bag), new Replayer.Options(p.cameras(), 1000.0, null, false, true));
        }
        // 20 frames at 5 Hz played 1000x faster: all of them arrive (within 4 ms) while the first is processed (far longer),
        // each replacing the one before; the newest is processed next
        assertEquals(List.of(1_600_000_000_000_000_000L, 1_600_000_003_800_000_000L), r.frames().stream().map(FrameRecord::logTimeNanos).toList());
        assertEquals(18, r.droppedFrames());
    }

    @Test
    void sqlite3BagFromAnIndependentWriterReplays() throws Exception {
        assumeModels();
        Path dir = tmp.resolve("db3bag");
        Path data = TestRepo.cache().resolve("data");
        BagOracle.run("write-db3.py", dir.toString(), data.resolve("messi5.jpg").toString(), data.resolve("fruits.jpg").toString());
        RosArgs args = RosArgs.parse(new String[] {"--ros-args", "-p", "models:=[nanodet]", "-p", "image_topics:=[/camera/image_raw/compressed]"},
                NodeParameters.DEFAULT_NODE_NAME);
        Replayer.Result r;
        try (FrameProcessor p = new FrameProcessor(args, NodeParameters.gather(args), TestRepo.catalog())) {
            r = Replayer.run(p, RosBag.open(dir), new Replayer.Options(p.cameras(), 0, null, false, false));
        }
        assertEquals(2, r.frames().size());
        assertTrue(r.frames().get(0).summaries().get(0).matches("[1-9]\\d* detections"), r.frames().get(0).summaries().toString());
    }

    @Test
    void badCameraTopicsAndMalformedFramesAreNamed() throws Exception {
        assumeModels();
        Path bag = tmp.resolve("mixed");
        StdMsgs.Header h = new StdMsgs.Header(new StdMsgs.Time(5, 0), "cam");
        byte[] jpeg = Files.readAllBytes(TestRepo.cache().resolve("data/messi5.jpg"));
        try (RosBagWriter w = new RosBagWriter(bag)) {
            w.topic("/camera/image_raw/compressed", "sensor_msgs/msg/CompressedImage", RosBagWriter.RELIABLE_QOS);
            w.topic("/other", "diagnostic_msgs/msg/DiagnosticArray", RosBagWriter.RELIABLE_QOS);
            w.write("/camera/image_raw/compressed", 1, new SensorMsgs.CompressedImage(h, "jpeg", new byte[] {1, 2, 3}).encode());
            w.write("/camera/image_raw/compressed", 2, new byte[] {0, 1, 0, 0, 7}); // not even CDR for the type
            w.write("/camera/image_raw/compressed", 3, new SensorMsgs.CompressedImage(h, "jpeg", jpeg).encode());
        }
        RosArgs args = RosArgs.parse(new String[] {"--ros-args", "-p", "models:=[nanodet]", "-p", "image_topics:=[/camera/image_raw/compressed]"},
                NodeParameters.DEFAULT_NODE_NAME);
        try (FrameProcessor p = new FrameProcessor(args, NodeParameters.gather(args), TestRepo.catalog())) {
            Replayer.Result r = Replayer.run(p, RosBag.open(bag), new Replayer.Options(p.cameras(), 0, null, false, false));
            assertEquals(1, r.frames().size());
            assertEquals(2, r.invalidFrames());

            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                    () -> Replayer.run(p, RosBag.open(bag), new Replayer.Options(List.of("/front/image_raw"), 0, null, false, false)));
            assertTrue(missing.getMessage().startsWith("camera topic /front/image_raw is not in bag " + bag + " (its topics: /camera/image_raw/compressed"
                    + " [sensor_msgs/msg/CompressedImage, 3], /other [diagnostic_msgs/msg/DiagnosticArray, 0])"), missing.getMessage());
            IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                    () -> Replayer.run(p, RosBag.open(bag), new Replayer.Options(List.of("/other"), 0, null, false, false)));
            assertEquals("topic /other in bag " + bag + " has type diagnostic_msgs/msg/DiagnosticArray; a camera topic must be sensor_msgs/msg/Image"
                    + " or sensor_msgs/msg/CompressedImage", type.getMessage());
        }
        ChildCli.Result noMeta = dlayer("replay", Files.createDirectories(tmp.resolve("empty_dir")).toString());
        assertEquals(2, noMeta.code(), noMeta.out());
        assertTrue(noMeta.out().contains("dlayer replay: bag directory has no metadata.yaml"), noMeta.out());

        // a bag whose camera messages are all unusable: no frame processed is an error, not a success
        Path junk = tmp.resolve("junk");
        try (RosBagWriter w = new RosBagWriter(junk)) {
            w.topic("/camera/image_raw/compressed", "sensor_msgs/msg/CompressedImage", RosBagWriter.RELIABLE_QOS);
            w.write("/camera/image_raw/compressed", 1, new SensorMsgs.CompressedImage(h, "jpeg", new byte[] {1, 2, 3}).encode());
        }
        ChildCli.Result none = dlayer("replay", junk.toString(), "-p", "models:=[nanodet]", "-p", "image_topics:=[/camera/image_raw/compressed]",
                "--as-fast-as-possible", "--report", tmp.resolve("junk_report").toString());
        assertEquals(2, none.code(), none.out());
        assertTrue(none.out().contains("dlayer replay: no frame was processed: the bag's camera topics [/camera/image_raw/compressed] had 1 invalid and 0 failed frames"),
                none.out());
    }
}
