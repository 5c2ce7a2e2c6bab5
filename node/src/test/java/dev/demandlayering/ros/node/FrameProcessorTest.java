package dev.demandlayering.ros.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.TestRepo;
import dev.demandlayering.perception.Preprocessor;
import dev.demandlayering.perception.RgbImage;
import dev.demandlayering.ros.dds.Qos;
import dev.demandlayering.ros.msg.DiagnosticMsgs;
import dev.demandlayering.ros.msg.SensorMsgs;
import dev.demandlayering.ros.msg.StdMsgs;
import dev.demandlayering.ros.msg.VisionMsgs;
import dev.demandlayering.ros.params.NodeParameters;
import dev.demandlayering.ros.params.RosArgs;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The node's frame path without a transport: real models on a real photo, outputs collected from the sink. */
class FrameProcessorTest {
    /** Every frame's figures, under the default node name in the root namespace. */
    static final String FRAME_STATS = "/demand_layering/frame_stats";
    /** Records what the node would put on the wire. */
    static final class Collected implements MessageSink {
        final Map<String, String> advertised = new LinkedHashMap<>();
        final List<Map.Entry<String, byte[]>> published = new ArrayList<>();

        @Override
        public void advertise(String topic, String type, Qos qos, int maxBytes) {
            assertTrue(advertised.put(topic, type) == null, "advertised twice: " + topic);
        }

        @Override
        public void publish(String topic, byte[] cdr, long logNanos) {
            assertTrue(advertised.containsKey(topic), "published on an unadvertised topic " + topic);
            published.add(Map.entry(topic, cdr));
        }

        List<byte[]> on(String topic) {
            return published.stream().filter(e -> e.getKey().equals(topic)).map(Map.Entry::getValue).toList();
        }
    }

    /** As an rclcpp perception node's: outputs under the node's own name (~/MODEL/...), each remappable; /diagnostics absolute. */
    @Test
    void outputsAreUnderTheNodesNameAndRemappable() throws Exception {
        Assumptions.assumeTrue(Files.exists(TestRepo.cache().resolve("models/nanodet.bin")), "models not fetched (models/fetch.sh)");
        RosArgs args = RosArgs.parse(new String[] {"--ros-args", "-r", "__ns:=/robot", "-r", "__node:=perception", "-p", "models:=[nanodet, selfie]",
                "-p", "publish_overlay:=true", "-r", "~/nanodet/detections:=/objects", "-r", "selfie/mask:=person_mask"}, NodeParameters.DEFAULT_NODE_NAME);
        try (FrameProcessor p = new FrameProcessor(args, NodeParameters.gather(args), TestRepo.catalog())) {
            assertEquals(Map.of(
                    "/objects", VisionMsgs.Detection2DArray.TYPE,
                    "/robot/perception/selfie/mask", SensorMsgs.Image.TYPE, // a relative rule names /robot/selfie/mask, not the node's
                    "/robot/perception/selfie/overlay", SensorMsgs.Image.TYPE,
                    "/robot/perception/frame_stats", DiagnosticMsgs.DiagnosticArray.TYPE,
                    "/diagnostics", DiagnosticMsgs.DiagnosticArray.TYPE), p.outputTopicTypes());
        }
        RosArgs full = RosArgs.parse(new String[] {"--ros-args", "-r", "__ns:=/robot", "-r", "__node:=perception", "-p", "models:=[selfie]",
                "-r", "/robot/perception/selfie/mask:=/robot/person_mask"}, NodeParameters.DEFAULT_NODE_NAME);
        try (FrameProcessor p = new FrameProcessor(full, NodeParameters.gather(full), TestRepo.catalog())) {
            assertTrue(p.outputTopicTypes().containsKey("/robot/person_mask"), p.outputTopicTypes().toString());
        }
    }

    /** The values of the status named {@code name} in a DiagnosticArray, with "level" and "message" added. */
    static Map<String, String> statusNamed(DiagnosticMsgs.DiagnosticArray a, String name) {
        DiagnosticMsgs.DiagnosticStatus st = a.status().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow(() ->
                new AssertionError("no status " + name + " in " + a.status().stream().map(DiagnosticMsgs.DiagnosticStatus::name).toList()));
        Map<String, String> kv = new LinkedHashMap<>();
        kv.put("level", Integer.toString(st.level()));
        kv.put("message", st.message());
        st.values().forEach(v -> kv.put(v.key(), v.value()));
        return kv;
    }

    /**
     * diagnostic_updater's conventions on the node's clock (use_sim_time, so the test sets it): one /diagnostics per
     * period whether frames come or not, one status per camera, per model and for the arena, levels with reasons;
     * end_to_end_ms measured on that clock.
     */
    @Test
    void diagnosticsComeOncePerPeriodWithOneStatusPerCameraOnTheNodesClock() throws Exception {
        Assumptions.assumeTrue(Files.exists(TestRepo.cache().resolve("models/nanodet.bin")), "models not fetched (models/fetch.sh)");
        RosArgs args = RosArgs.parse(new String[] {"--ros-args", "-r", "__node:=perception", "-p", "models:=[nanodet]", "-p", "use_sim_time:=true",
                "-p", "image_topics:=[front/image_raw, rear/image_raw]", "-p", "deadline_ms:=60000.0"}, NodeParameters.DEFAULT_NODE_NAME);
        RgbImage photo = Preprocessor.load(TestRepo.cache().resolve("data/messi5.jpg"));
        long t0 = 1_600_000_000_000_000_000L, ms = 1_000_000L;
        try (FrameProcessor p = new FrameProcessor(args, NodeParameters.gather(args), TestRepo.catalog())) {
            Collected sink = new Collected();
            p.advertise(sink);
            assertTrue(p.clock().isSimulated());
            p.publishDiagnostics(sink, false);
            assertEquals(List.of(), sink.on("/diagnostics"), "no /clock yet: no period to report");
            for (int i = 0; i <= 11; i++) { // a frame every 200 ms from t0, stamped 50 ms before it is processed; the rear camera is silent
                long now = t0 + i * 200 * ms;
                p.clock().set(now);
                StdMsgs.Header h = new StdMsgs.Header(StdMsgs.Time.ofNanos(now - 50 * ms), "front");
                byte[] cdr = new SensorMsgs.Image(h, photo.height(), photo.width(), "rgb8", 0, photo.width() * 3, photo.rgb()).encode();
                FrameProcessor.Processed r = p.process(p.decode("/front/image_raw", cdr, System.nanoTime()), sink, Map.of());
                assertEquals(50.0, r.endToEndMs(), 1e-9, "end to end on the node's clock");
            }
            assertEquals(12, sink.on("/perception/frame_stats").size(), "every frame's figures");
            List<byte[]> periods = sink.on("/diagnostics");
            assertEquals(2, periods.size(), "at 1.0 s and 2.0 s");
            DiagnosticMsgs.DiagnosticArray first = DiagnosticMsgs.DiagnosticArray.decode(periods.get(0));
            assertEquals(StdMsgs.Time.ofNanos(t0 + 1000 * ms), first.header().stamp());
            assertEquals(List.of("perception: /front/image_raw", "perception: /rear/image_raw", "perception: nanodet", "perception: arena"),
                    first.status().stream().map(DiagnosticMsgs.DiagnosticStatus::name).toList());
            Map<String, String> front = statusNamed(first, "perception: /front/image_raw");
            assertEquals("0", front.get("level"), front.toString());
            assertEquals(List.of("6", "6.00", "50.00", "0"), List.of(front.get("frames"), front.get("rate_hz"), front.get("end_to_end_mean_ms"),
                    front.get("late_frames")), front.toString());
            Map<String, String> rear = statusNamed(first, "perception: /rear/image_raw");
            assertEquals(List.of("1", "waiting for the first frame"), List.of(rear.get("level"), rear.get("message")));
            Map<String, String> model = statusNamed(first, "perception: nanodet");
            assertTrue(model.get("level").equals("0") && Double.parseDouble(model.get("latency_mean_ms")) > 0, model.toString());
            Map<String, String> arena = statusNamed(first, "perception: arena");
            assertTrue(Long.parseLong(arena.get("peak_bytes")) > 0 && arena.get("arena_bytes").equals(arena.get("minimum_bytes")), arena.toString());
            assertEquals("5", statusNamed(DiagnosticMsgs.DiagnosticArray.decode(periods.get(1)), "perception: /front/image_raw").get("frames"));

            // no frames: the timer's call still reports, and says so
            p.clock().set(t0 + 3200 * ms);
            p.publishDiagnostics(sink, false);
            p.clock().set(t0 + 4500 * ms);
            p.publishDiagnostics(sink, false);
            assertEquals(4, sink.on("/diagnostics").size());
            Map<String, String> quiet = statusNamed(DiagnosticMsgs.DiagnosticArray.decode(sink.on("/diagnostics").get(3)), "perception: /front/image_raw");
            assertEquals(List.of("1", "no frames in the last 1.30 s"), List.of(quiet.get("level"), quiet.get("message")));
        }
        // a deadline the frames miss: WARN with the count
        RosArgs tight = RosArgs.parse(new String[] {"--ros-args", "-p", "models:=[nanodet]", "-p", "deadline_ms:=0.01", "-p", "diagnostics_period:=3600.0"},
                NodeParameters.DEFAULT_NODE_NAME);
        try (FrameProcessor p = new FrameProcessor(tight, NodeParameters.gather(tight), TestRepo.catalog())) {
            Collected sink = new Collected();
            p.advertise(sink);
            StdMsgs.Header h = new StdMsgs.Header(StdMsgs.Time.ofNanos(System.currentTimeMillis() * ms), "cam");
            byte[] cdr = new SensorMsgs.Image(h, photo.height(), photo.width(), "rgb8", 0, photo.width() * 3, photo.rgb()).encode();
            for (int i = 0; i < 3; i++) p.process(p.decode("/image_raw", cdr, System.nanoTime()), sink, Map.of());
            p.publishDiagnostics(sink, true);
            List<byte[]> periods = sink.on("/diagnostics");
            Map<String, String> cam = statusNamed(DiagnosticMsgs.DiagnosticArray.decode(periods.get(periods.size() - 1)), "demand_layering: /image_raw");
            assertEquals("1", cam.get("level"), cam.toString());
            assertEquals("3 of 3 frames missed the 0.01 ms deadline", cam.get("message"), cam.toString());
        }
    }

    /** set_parameters' arena_size and residency: checked against the plan's minimum, then planned again between frames. */
    @Test
    void theArenaIsPlannedAgainBetweenFramesForANewSize() throws Exception {
        Assumptions.assumeTrue(Files.exists(TestRepo.cache().resolve("models/nanodet.bin")), "models not fetched (models/fetch.sh)");
        RosArgs args = RosArgs.parse(new String[] {"--ros-args", "-p", "models:=[nanodet]"}, NodeParameters.DEFAULT_NODE_NAME);
        Map<String, Object> params = NodeParameters.gather(args);
        RgbImage photo = Preprocessor.load(TestRepo.cache().resolve("data/messi5.jpg"));
        StdMsgs.Header h = new StdMsgs.Header(new StdMsgs.Time(1, 0), "cam");
        byte[] cdr = new SensorMsgs.Image(h, photo.height(), photo.width(), "rgb8", 0, photo.width() * 3, photo.rgb()).encode();
        try (FrameProcessor p = new FrameProcessor(args, params, TestRepo.catalog())) {
            Collected sink = new Collected();
            p.advertise(sink);
            FrameProcessor.Processed first = p.process(p.decode("/image_raw", cdr, System.nanoTime()), sink, Map.of());
            long minimum = first.stats().arenaBytes();
            Map<String, Object> tooSmall = new LinkedHashMap<>(params);
            tooSmall.put("arena_size", 1000L);
            assertEquals("arena_size 1000 bytes is below the minimum of " + minimum + " bytes for [nanodet] (0 = the minimum)", p.checkPlan(tooSmall));
            Map<String, Object> bigger = new LinkedHashMap<>(params);
            bigger.put("arena_size", 32L << 20);
            bigger.put("residency", "auto");
            assertEquals(null, p.checkPlan(bigger));
            p.update(bigger);
            FrameProcessor.Processed second = p.process(p.decode("/image_raw", cdr, System.nanoTime()), sink, Map.of());
            assertEquals(32L << 20, second.stats().arenaBytes(), "the next frame runs in the new arena");
            assertTrue(second.stats().residentWeightBytes() > first.stats().residentWeightBytes(), "layers that fit stay resident");
            assertEquals(VisionMsgs.Detection2DArray.decode(sink.on("/demand_layering/nanodet/detections").get(0)).detections().size(),
                    VisionMsgs.Detection2DArray.decode(sink.on("/demand_layering/nanodet/detections").get(1)).detections().size(), "same outputs");
        }
    }

    /** ~/MODEL/debug_image: the camera image with the boxes drawn in the class's colour, the rest of the picture untouched. */
    @Test
    void theDebugImageHasTheBoxesDrawn() throws Exception {
        Assumptions.assumeTrue(Files.exists(TestRepo.cache().resolve("models/nanodet.bin")), "models not fetched (models/fetch.sh)");
        RosArgs args = RosArgs.parse(new String[] {"--ros-args", "-p", "models:=[nanodet]", "-p", "publish_debug_image:=true"}, NodeParameters.DEFAULT_NODE_NAME);
        RgbImage photo = Preprocessor.load(TestRepo.cache().resolve("data/messi5.jpg"));
        StdMsgs.Header h = new StdMsgs.Header(new StdMsgs.Time(3, 0), "cam");
        byte[] cdr = new SensorMsgs.Image(h, photo.height(), photo.width(), "rgb8", 0, photo.width() * 3, photo.rgb()).encode();
        try (FrameProcessor p = new FrameProcessor(args, NodeParameters.gather(args), TestRepo.catalog())) {
            Collected sink = new Collected();
            p.advertise(sink);
            assertEquals(SensorMsgs.Image.TYPE, sink.advertised.get("/demand_layering/nanodet/debug_image"));
            p.process(p.decode("/image_raw", cdr, System.nanoTime()), sink, Map.of());
            VisionMsgs.Detection2DArray dets = VisionMsgs.Detection2DArray.decode(sink.on("/demand_layering/nanodet/detections").get(0));
            SensorMsgs.Image debug = SensorMsgs.Image.decode(sink.on("/demand_layering/nanodet/debug_image").get(0));
            assertEquals(List.of(photo.width(), photo.height(), "rgb8", h), List.of((int) debug.width(), (int) debug.height(), debug.encoding(), debug.header()));
            VisionMsgs.Detection2D person = dets.detections().get(0);
            int x = (int) Math.round(person.bbox().centerX()), y = (int) Math.min(photo.height() - 1, Math.round(person.bbox().centerY() + person.bbox().sizeY() / 2));
            int[] colour = dev.demandlayering.perception.DetectionDrawing.colour(0); // COCO's person is class 0
            int at = 3 * (y * photo.width() + x);
            assertEquals(List.of(colour[0], colour[1], colour[2]), List.of(debug.data()[at] & 0xff, debug.data()[at + 1] & 0xff, debug.data()[at + 2] & 0xff),
                    "the box's bottom edge at its centre has the person colour");
            int changed = 0;
            for (int i = 0; i < photo.rgb().length; i++) if (photo.rgb()[i] != debug.data()[i]) changed++;
            assertTrue(changed > 1000 && changed < photo.rgb().length / 4, "boxes and labels, not a repaint: " + changed + " bytes changed");
        }
    }

    @Test
    void eachCamerasOutputsGoUnderItsNamespaceWhenAsked() throws Exception {
        Assumptions.assumeTrue(Files.exists(TestRepo.cache().resolve("models/nanodet.bin")), "models not fetched (models/fetch.sh)");
        RosArgs args = RosArgs.parse(new String[] {"--ros-args", "-r", "__ns:=/car", "-p", "models:=[nanodet, selfie]", "-p", "per_camera_outputs:=true",
                "-p", "image_topics:=[front/image_raw, rear/image_raw/compressed]", "-p", "publish_overlay:=true"}, NodeParameters.DEFAULT_NODE_NAME);
        RgbImage photo = Preprocessor.load(TestRepo.cache().resolve("data/messi5.jpg"));
        try (FrameProcessor p = new FrameProcessor(args, NodeParameters.gather(args), TestRepo.catalog())) {
            Collected sink = new Collected();
            p.advertise(sink);
            assertEquals(Map.of(
                    "/car/front/nanodet/detections", VisionMsgs.Detection2DArray.TYPE,
                    "/car/front/selfie/mask", SensorMsgs.Image.TYPE,
                    "/car/front/selfie/overlay", SensorMsgs.Image.TYPE,
                    "/car/rear/nanodet/detections", VisionMsgs.Detection2DArray.TYPE,
                    "/car/rear/selfie/mask", SensorMsgs.Image.TYPE,
                    "/car/rear/selfie/overlay", SensorMsgs.Image.TYPE,
                    "/car/demand_layering/frame_stats", DiagnosticMsgs.DiagnosticArray.TYPE,
                    "/diagnostics", DiagnosticMsgs.DiagnosticArray.TYPE), sink.advertised);
            assertEquals(sink.advertised, p.outputTopicTypes());

            StdMsgs.Header header = new StdMsgs.Header(new StdMsgs.Time(12, 500), "rear_camera");
            byte[] jpeg = Files.readAllBytes(TestRepo.cache().resolve("data/messi5.jpg"));
            CameraFrame f = p.decode("/car/rear/image_raw/compressed", new SensorMsgs.CompressedImage(header, "jpeg", jpeg).encode(), System.nanoTime());
            assertEquals(photo.width(), f.image().width());
            FrameProcessor.Processed r = p.process(f, sink, Map.of("/car/front/image_raw", 3L, "/car/rear/image_raw/compressed", 1L));

            assertEquals(List.of(), sink.on("/car/front/nanodet/detections"));
            VisionMsgs.Detection2DArray dets = VisionMsgs.Detection2DArray.decode(sink.on("/car/rear/nanodet/detections").get(0));
            assertEquals(header, dets.header());
            assertEquals("person", dets.detections().get(0).results().get(0).classId());
            SensorMsgs.Image mask = SensorMsgs.Image.decode(sink.on("/car/rear/selfie/mask").get(0));
            assertEquals(List.of(photo.width(), photo.height(), "mono8"), List.of((int) mask.width(), (int) mask.height(), mask.encoding()));
            assertEquals(1, sink.on("/car/rear/selfie/overlay").size());
            DiagnosticMsgs.DiagnosticArray diag = DiagnosticMsgs.DiagnosticArray.decode(sink.on("/car/demand_layering/frame_stats").get(0));
            Map<String, String> arena = new LinkedHashMap<>();
            diag.status().get(0).values().forEach(kv -> arena.put(kv.key(), kv.value()));
            assertEquals("/car/rear/image_raw/compressed", arena.get("camera"));
            assertEquals("4", arena.get("dropped_frames"));
            assertEquals(Long.toString(r.stats().peakBytes()), arena.get("peak_bytes"));
            assertEquals(3, diag.status().size());

            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> p.decode("/car/front/image_raw", new SensorMsgs.Image(header, 2, 2, "yuv422", 0, 4, new byte[8]).encode(), 0));
            assertTrue(bad.getMessage().contains("yuv422"), bad.getMessage());
            assertEquals(1, p.invalidFrames());
        }
    }

    /**
     * weight_precision fp16: the same detections and masks (the shipped models' weights were published as
     * float16) from an arena that streams half the weight bytes, as the diagnostics report. The same classes,
     * boxes and mask; scores and box corners to within OpenBLAS's shape-dependent summation (docs/cpu-backend.md).
     */
    @Test
    void float16WeightsGiveTheSameOutputsFromHalfTheWeightBytes() throws Exception {
        Assumptions.assumeTrue(Files.exists(TestRepo.cache().resolve("models/meet.bin")), "models not fetched (models/fetch.sh)");
        byte[] jpeg = Files.readAllBytes(TestRepo.cache().resolve("data/messi5.jpg"));
        StdMsgs.Header header = new StdMsgs.Header(new StdMsgs.Time(1, 0), "camera");
        List<Map<String, String>> diagnostics = new ArrayList<>();
        List<Collected> sinks = new ArrayList<>();
        for (String precision : List.of("fp32", "fp16")) {
            RosArgs args = RosArgs.parse(new String[] {"--ros-args", "-p", "models:=[nanodet, meet]", "-p", "weight_precision:=" + precision,
                    "-p", "image_topics:=[image_raw/compressed]"}, NodeParameters.DEFAULT_NODE_NAME);
            try (FrameProcessor p = new FrameProcessor(args, NodeParameters.gather(args), TestRepo.catalog())) {
                Collected sink = new Collected();
                p.advertise(sink);
                CameraFrame f = p.decode("/image_raw/compressed", new SensorMsgs.CompressedImage(header, "jpeg", jpeg).encode(), System.nanoTime());
                p.process(f, sink, Map.of());
                Map<String, String> values = new LinkedHashMap<>();
                DiagnosticMsgs.DiagnosticArray.decode(sink.on(FRAME_STATS).get(0)).status().get(0).values().forEach(kv -> values.put(kv.key(), kv.value()));
                diagnostics.add(values);
                sinks.add(sink);
            }
        }
        assertTrue(java.util.Arrays.equals(sinks.get(0).on("/demand_layering/meet/mask").get(0), sinks.get(1).on("/demand_layering/meet/mask").get(0)), "/meet/mask differs between fp32 and fp16");
        var d32 = dev.demandlayering.ros.msg.VisionMsgs.Detection2DArray.decode(sinks.get(0).on("/demand_layering/nanodet/detections").get(0)).detections();
        var d16 = dev.demandlayering.ros.msg.VisionMsgs.Detection2DArray.decode(sinks.get(1).on("/demand_layering/nanodet/detections").get(0)).detections();
        assertEquals(d32.size(), d16.size(), "detections fp32 vs fp16");
        assertTrue(!d32.isEmpty(), "NanoDet finds the person");
        for (int i = 0; i < d32.size(); i++) {
            var a = d32.get(i);
            var b = d16.get(i);
            assertEquals(a.results().get(0).classId(), b.results().get(0).classId());
            assertEquals(a.results().get(0).score(), b.results().get(0).score(), 1e-5);
            assertEquals(a.bbox().centerX(), b.bbox().centerX(), 1e-3);
            assertEquals(a.bbox().centerY(), b.bbox().centerY(), 1e-3);
            assertEquals(a.bbox().sizeX(), b.bbox().sizeX(), 1e-3);
            assertEquals(a.bbox().sizeY(), b.bbox().sizeY(), 1e-3);
        }
        long read32 = Long.parseLong(diagnostics.get(0).get("bytes_read")), read16 = Long.parseLong(diagnostics.get(1).get("bytes_read"));
        assertEquals(read32 / 2, read16, 64, "float16 weights read half the bytes: " + diagnostics);
        assertTrue(Long.parseLong(diagnostics.get(1).get("arena_bytes")) < Long.parseLong(diagnostics.get(0).get("arena_bytes")), diagnostics.toString());
        assertEquals(List.of("fp32", "fp16"), diagnostics.stream().map(d -> d.get("weight_precision")).toList());
    }

    private static Map<String, String> arenaStatus(byte[] diagnostics) {
        Map<String, String> values = new LinkedHashMap<>();
        DiagnosticMsgs.DiagnosticArray.decode(diagnostics).status().get(0).values().forEach(kv -> values.put(kv.key(), kv.value()));
        return values;
    }

    private static CameraFrame jpegFrame(FrameProcessor p, String camera, int sec) throws Exception {
        byte[] jpeg = Files.readAllBytes(TestRepo.cache().resolve("data/messi5.jpg"));
        StdMsgs.Header h = new StdMsgs.Header(new StdMsgs.Time(sec, 0), "camera");
        return p.decode(camera, new SensorMsgs.CompressedImage(h, "jpeg", jpeg).encode(), System.nanoTime());
    }

    /**
     * A pack damaged on disk while the node streams from it: the next frame finds the bad checksum, the pack is
     * re-packed from its model and the frame is served; damaged again with the model gone, re-packing cannot
     * mend it, an ERROR diagnostic goes out and {@link dev.demandlayering.models.ModelSession.Unrecoverable} ends the node.
     */
    @Test
    void aPackDamagedWhileStreamingIsRepackedThenGivesUpWhenItsModelIsGone() throws Exception {
        Assumptions.assumeTrue(Files.exists(TestRepo.cache().resolve("models/nanodet.bin")), "models not fetched (models/fetch.sh)");
        java.nio.file.Path cache = dev.demandlayering.ChildCli.privateCache(tmp.resolve("cache"));
        RosArgs args = RosArgs.parse(new String[] {"--ros-args", "-p", "models:=[nanodet]", "-p", "residency:=none", "-p",
                "image_topics:=[image_raw/compressed]"}, NodeParameters.DEFAULT_NODE_NAME);
        try (FrameProcessor p = new FrameProcessor(args, NodeParameters.gather(args), new dev.demandlayering.models.ModelCatalog(TestRepo.root(), cache))) {
            Collected sink = new Collected();
            p.advertise(sink);
            p.process(jpegFrame(p, "/image_raw/compressed", 1), sink, Map.of());
            java.nio.file.Path pack = cache.resolve("packs/nanodet.dlp");
            damageLargestBlob(pack);
            FrameProcessor.Processed served = p.process(jpegFrame(p, "/image_raw/compressed", 2), sink, Map.of());
            assertTrue(!served.failed(), served.error());
            assertEquals(1, p.repacks());
            assertEquals(2, sink.on("/demand_layering/nanodet/detections").size());
            assertEquals("person", VisionMsgs.Detection2DArray.decode(sink.on("/demand_layering/nanodet/detections").get(1)).detections().get(0).results().get(0).classId());
            assertEquals("1", arenaStatus(sink.on(FRAME_STATS).get(1)).get("repacks"));

            Files.delete(cache.resolve("models/nanodet.bin"));
            damageLargestBlob(pack);
            var fatal = assertThrows(dev.demandlayering.models.ModelSession.Unrecoverable.class,
                    () -> p.process(jpegFrame(p, "/image_raw/compressed", 3), sink, Map.of()));
            assertTrue(fatal.getMessage().contains("checksum mismatch") && fatal.getMessage().contains("re-packing [nanodet] failed"), fatal.getMessage());
            DiagnosticMsgs.DiagnosticArray last = DiagnosticMsgs.DiagnosticArray.decode(sink.on(FRAME_STATS).get(2));
            assertEquals(DiagnosticMsgs.ERROR, last.status().get(0).level());
            assertTrue(last.status().get(0).message().contains("nanodet.bin"), last.status().get(0).message());
            assertEquals("1", arenaStatus(sink.on(FRAME_STATS).get(2)).get("failed_frames"));
        }
    }

    /** Flips bytes in the middle of the pack's largest weight blob, in place (the open file sees it). */
    static void damageLargestBlob(java.nio.file.Path pack) throws Exception {
        dev.demandlayering.runtime.pack.PackFile pf = dev.demandlayering.runtime.pack.PackFile.open(pack);
        var big = pf.model().layers().stream().max(java.util.Comparator.comparingLong(l -> l.weightBytes())).orElseThrow();
        var blob = pf.blob(big.index());
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(pack.toFile(), "rw")) {
            f.seek(blob.offset() + blob.length() / 2);
            f.write(new byte[] {0x12, 0x34, 0x56, 0x78});
        }
    }

    /**
     * A valid but huge frame (6000x4000 mono8, 24 MB): its overlay (72 MB of rgb8) is over the topic's 64 MiB
     * maximum, so it alone is skipped with a WARN and counted; the mask, detections and diagnostics go out and
     * the next frame is served as usual. An image over max_image_pixels is refused before decoding.
     */
    @Test
    void anOutputTooLargeForItsTopicIsSkippedAndTheRestGoesOut() throws Exception {
        Assumptions.assumeTrue(Files.exists(TestRepo.cache().resolve("models/selfie.bin")), "models not fetched (models/fetch.sh)");
        RosArgs args = RosArgs.parse(new String[] {"--ros-args", "-p", "models:=[nanodet, selfie]", "-p", "publish_overlay:=true", "-p",
                "image_topics:=[image_raw]", "-p", "max_image_pixels:=30000000"}, NodeParameters.DEFAULT_NODE_NAME);
        try (FrameProcessor p = new FrameProcessor(args, NodeParameters.gather(args), TestRepo.catalog())) {
            Collected sink = new Collected();
            p.advertise(sink);
            byte[] pixels = new byte[6000 * 4000];
            java.util.Arrays.fill(pixels, (byte) 90);
            StdMsgs.Header h = new StdMsgs.Header(new StdMsgs.Time(7, 0), "camera");
            CameraFrame big = p.decode("/image_raw", new SensorMsgs.Image(h, 4000, 6000, "mono8", 0, 6000, pixels).encode(), System.nanoTime());
            FrameProcessor.Processed r = p.process(big, sink, Map.of());
            assertTrue(!r.failed(), r.error());
            assertEquals(1, p.skippedOutputs());
            assertEquals(0, sink.on("/demand_layering/selfie/overlay").size());
            assertEquals(1, sink.on("/demand_layering/selfie/mask").size());
            assertEquals(6000L * 4000, SensorMsgs.Image.decode(sink.on("/demand_layering/selfie/mask").get(0)).data().length);
            assertEquals(1, sink.on("/demand_layering/nanodet/detections").size());
            assertEquals("1", arenaStatus(sink.on(FRAME_STATS).get(0)).get("skipped_outputs"));

            byte[] tooMany = new byte[7000 * 5000];
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> p.decode("/image_raw", new SensorMsgs.Image(h, 5000, 7000, "mono8", 0, 7000, tooMany).encode(), 0));
            assertTrue(refused.getMessage().contains("7000x5000 pixels is over max_image_pixels (30000000)"), refused.getMessage());

            RgbImage photo = Preprocessor.load(TestRepo.cache().resolve("data/messi5.jpg"));
            CameraFrame next = p.decode("/image_raw", new SensorMsgs.Image(h, photo.height(), photo.width(), "rgb8", 0, 3L * photo.width(), photo.rgb())
                    .encode(), System.nanoTime());
            p.process(next, sink, Map.of());
            assertEquals(1, sink.on("/demand_layering/selfie/overlay").size(), "a frame of normal size gets its overlay");
            assertEquals(2, sink.on(FRAME_STATS).size());
            assertEquals(0, p.failedFrames());
        }
    }

    /** A transport that fails to publish one output: counted as a skipped output, the other outputs and the next frames go out. */
    @Test
    void aPublishFailureCostsOnlyThatOutput() throws Exception {
        Assumptions.assumeTrue(Files.exists(TestRepo.cache().resolve("models/nanodet.bin")), "models not fetched (models/fetch.sh)");
        RosArgs args = RosArgs.parse(new String[] {"--ros-args", "-p", "models:=[nanodet]", "-p", "image_topics:=[image_raw/compressed]"},
                NodeParameters.DEFAULT_NODE_NAME);
        try (FrameProcessor p = new FrameProcessor(args, NodeParameters.gather(args), TestRepo.catalog())) {
            Collected good = new Collected();
            MessageSink flaky = new MessageSink() {
                int calls;

                @Override
                public void advertise(String topic, String type, Qos qos, int maxBytes) {
                    good.advertise(topic, type, qos, maxBytes);
                }

                @Override
                public void publish(String topic, byte[] cdr, long logNanos) {
                    if (topic.endsWith("/detections") && calls++ == 0) throw new IllegalStateException("writer gone");
                    good.publish(topic, cdr, logNanos);
                }
            };
            p.advertise(flaky);
            p.process(jpegFrame(p, "/image_raw/compressed", 1), flaky, Map.of());
            p.process(jpegFrame(p, "/image_raw/compressed", 2), flaky, Map.of());
            assertEquals(1, p.skippedOutputs());
            assertEquals(1, good.on("/demand_layering/nanodet/detections").size());
            assertEquals(2, good.on(FRAME_STATS).size());
        }
    }

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path tmp;
}
