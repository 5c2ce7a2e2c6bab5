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
            DiagnosticMsgs.DiagnosticArray diag = DiagnosticMsgs.DiagnosticArray.decode(sink.on("/diagnostics").get(0));
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
                DiagnosticMsgs.DiagnosticArray.decode(sink.on("/diagnostics").get(0)).status().get(0).values().forEach(kv -> values.put(kv.key(), kv.value()));
                diagnostics.add(values);
                sinks.add(sink);
            }
        }
        assertTrue(java.util.Arrays.equals(sinks.get(0).on("/meet/mask").get(0), sinks.get(1).on("/meet/mask").get(0)), "/meet/mask differs between fp32 and fp16");
        var d32 = dev.demandlayering.ros.msg.VisionMsgs.Detection2DArray.decode(sinks.get(0).on("/nanodet/detections").get(0)).detections();
        var d16 = dev.demandlayering.ros.msg.VisionMsgs.Detection2DArray.decode(sinks.get(1).on("/nanodet/detections").get(0)).detections();
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
            assertEquals(2, sink.on("/nanodet/detections").size());
            assertEquals("person", VisionMsgs.Detection2DArray.decode(sink.on("/nanodet/detections").get(1)).detections().get(0).results().get(0).classId());
            assertEquals("1", arenaStatus(sink.on("/diagnostics").get(1)).get("repacks"));

            Files.delete(cache.resolve("models/nanodet.bin"));
            damageLargestBlob(pack);
            var fatal = assertThrows(dev.demandlayering.models.ModelSession.Unrecoverable.class,
                    () -> p.process(jpegFrame(p, "/image_raw/compressed", 3), sink, Map.of()));
            assertTrue(fatal.getMessage().contains("checksum mismatch") && fatal.getMessage().contains("re-packing [nanodet] failed"), fatal.getMessage());
            DiagnosticMsgs.DiagnosticArray last = DiagnosticMsgs.DiagnosticArray.decode(sink.on("/diagnostics").get(2));
            assertEquals(DiagnosticMsgs.ERROR, last.status().get(0).level());
            assertTrue(last.status().get(0).message().contains("nanodet.bin"), last.status().get(0).message());
            assertEquals("1", arenaStatus(sink.on("/diagnostics").get(2)).get("failed_frames"));
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
            assertEquals(0, sink.on("/selfie/overlay").size());
            assertEquals(1, sink.on("/selfie/mask").size());
            assertEquals(6000L * 4000, SensorMsgs.Image.decode(sink.on("/selfie/mask").get(0)).data().length);
            assertEquals(1, sink.on("/nanodet/detections").size());
            assertEquals("1", arenaStatus(sink.on("/diagnostics").get(0)).get("skipped_outputs"));

            byte[] tooMany = new byte[7000 * 5000];
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> p.decode("/image_raw", new SensorMsgs.Image(h, 5000, 7000, "mono8", 0, 7000, tooMany).encode(), 0));
            assertTrue(refused.getMessage().contains("7000x5000 pixels is over max_image_pixels (30000000)"), refused.getMessage());

            RgbImage photo = Preprocessor.load(TestRepo.cache().resolve("data/messi5.jpg"));
            CameraFrame next = p.decode("/image_raw", new SensorMsgs.Image(h, photo.height(), photo.width(), "rgb8", 0, 3L * photo.width(), photo.rgb())
                    .encode(), System.nanoTime());
            p.process(next, sink, Map.of());
            assertEquals(1, sink.on("/selfie/overlay").size(), "a frame of normal size gets its overlay");
            assertEquals(2, sink.on("/diagnostics").size());
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
            assertEquals(1, good.on("/nanodet/detections").size());
            assertEquals(2, good.on("/diagnostics").size());
        }
    }

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path tmp;
}
