package dev.demandlayering.ros.bag;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.demandlayering.TestRepo;
import dev.demandlayering.ros.msg.DiagnosticMsgs;
import dev.demandlayering.ros.msg.SensorMsgs;
import dev.demandlayering.ros.msg.StdMsgs;
import dev.demandlayering.ros.msg.VisionMsgs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** rosbag2 bags in both storages, against independent writers and readers (tools/bag-oracle), and damaged bags. */
class RosBagTest {
    static final Path DATA = TestRepo.cache().resolve("data");
    static final List<Path> IMAGES = List.of(DATA.resolve("messi5.jpg"), DATA.resolve("fruits.jpg"), DATA.resolve("building.jpg"));

    @TempDir
    Path tmp;

    static List<BagMessage> readAll(RosBag bag, Set<String> topics) throws IOException {
        List<BagMessage> out = new ArrayList<>();
        ReadReport r = bag.read(topics, out::add);
        assertEquals(List.of(), r.warnings());
        return out;
    }

    /** The images, as the oracle wrote them, decode with our CDR codec to the same bytes, stamps and frame ids. */
    static void assertCameraMessages(List<BagMessage> msgs) throws IOException {
        assertEquals(IMAGES.size(), msgs.size());
        for (int i = 0; i < msgs.size(); i++) {
            BagMessage m = msgs.get(i);
            assertEquals("/camera/image_raw/compressed", m.topic());
            assertEquals("sensor_msgs/msg/CompressedImage", m.rosType());
            assertEquals(1_700_000_000_000_000_000L + i * 100_000_000L, m.logTimeNanos());
            SensorMsgs.CompressedImage img = SensorMsgs.CompressedImage.decode(m.data());
            assertEquals(new StdMsgs.Header(new StdMsgs.Time(1_700_000_000, i * 100_000_000L), "camera"), img.header());
            assertEquals("jpeg", img.format());
            assertArrayEquals(Files.readAllBytes(IMAGES.get(i)), img.data());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"zstd", "lz4", "none"})
    void readsMcapWrittenByFoxglovesWriter(String compression) throws Exception {
        BagOracle.assumeInstalled();
        Path f = tmp.resolve("oracle.mcap");
        List<String> cmd = new ArrayList<>(List.of("write-mcap.mjs", f.toString(), compression));
        IMAGES.forEach(p -> cmd.add(p.toString()));
        BagOracle.run(cmd.toArray(String[]::new));
        RosBag bag = RosBag.open(f);
        assertEquals("mcap", bag.storage());
        assertEquals(List.of(new BagTopic("/camera/image_raw/compressed", "sensor_msgs/msg/CompressedImage", "cdr",
                "- history: 1\n  depth: 1\n  reliability: 2\n  durability: 2\n", 3), new BagTopic("/chatter", "std_msgs/msg/String", "cdr", "", 3)),
                bag.topics());
        assertCameraMessages(readAll(bag, Set.of("/camera/image_raw/compressed")));
        assertEquals(6, readAll(bag, null).size());
    }

    @Test
    void readsSqlite3BagWrittenWithTheRosbag2Schema() throws Exception {
        Path dir = tmp.resolve("db3bag");
        List<String> cmd = new ArrayList<>(List.of("write-db3.py", dir.toString()));
        IMAGES.forEach(p -> cmd.add(p.toString()));
        BagOracle.run(cmd.toArray(String[]::new));
        RosBag bag = RosBag.open(dir);
        assertEquals("sqlite3", bag.storage());
        assertEquals(List.of(new BagTopic("/camera/image_raw/compressed", "sensor_msgs/msg/CompressedImage", "cdr", "", 3)), bag.topics());
        assertCameraMessages(readAll(bag, null));
        // the .db3 file alone, without its directory's metadata
        assertCameraMessages(readAll(RosBag.open(dir.resolve("db3bag.db3")), null));
    }

    /** Our writer's bag, read by Foxglove's streaming (CRC-checking) and indexed readers, decoded with the schemas we stored. */
    @Test
    void writtenBagIsReadByFoxglovesReaderWithOurSchemas() throws Exception {
        BagOracle.assumeInstalled();
        StdMsgs.Header h = new StdMsgs.Header(new StdMsgs.Time(1_700_000_001, 5), "front");
        Path dir = tmp.resolve("out_bag");
        try (RosBagWriter w = new RosBagWriter(dir)) {
            w.topic("/nanodet/detections", "vision_msgs/msg/Detection2DArray", RosBagWriter.RELIABLE_QOS);
            w.topic("/selfie/mask", "sensor_msgs/msg/Image", RosBagWriter.RELIABLE_QOS);
            w.topic("/diagnostics", "diagnostic_msgs/msg/DiagnosticArray", RosBagWriter.RELIABLE_QOS);
            w.topic("/camera/image_raw/compressed", "sensor_msgs/msg/CompressedImage", RosBagWriter.RELIABLE_QOS);
            VisionMsgs.Detection2D d = new VisionMsgs.Detection2D(h, List.of(new VisionMsgs.Hypothesis("person", 0.75,
                    VisionMsgs.PoseWithCovariance.identity())), new VisionMsgs.BoundingBox2D(260, 205, 0, 390, 264), "");
            for (int i = 0; i < 3; i++) {
                long t = 1_700_000_001_000_000_000L + i * 50_000_000L;
                w.write("/camera/image_raw/compressed", t, new SensorMsgs.CompressedImage(h, "jpeg", Files.readAllBytes(IMAGES.get(i))).encode());
                w.write("/nanodet/detections", t, new VisionMsgs.Detection2DArray(h, List.of(d)).encode());
                w.write("/selfie/mask", t, new SensorMsgs.Image(h, 2, 3, "mono8", 0, 3, new byte[] {0, 1, 1, 0, 0, 1}).encode());
                w.write("/diagnostics", t, new DiagnosticMsgs.DiagnosticArray(h, List.of(new DiagnosticMsgs.DiagnosticStatus(DiagnosticMsgs.WARN,
                        "node: arena", "late", "demand_layering", List.of(new DiagnosticMsgs.KeyValue("peak_bytes", "123")))))
                        .encode());
            }
        }
        BagMetadata meta = BagMetadata.read(dir);
        assertEquals(List.of("out_bag_0.mcap"), meta.relativeFilePaths());
        assertEquals(12, meta.messageCount());
        assertEquals(100_000_000L, meta.durationNanos());

        String out = BagOracle.run("read-mcap.mjs", dir.resolve("out_bag_0.mcap").toString());
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = out.lines().map(l -> {
            try {
                return json.readTree(l);
            } catch (IOException e) {
                throw new IllegalStateException(l, e);
            }
        }).toList();
        JsonNode summary = lines.get(lines.size() - 1);
        assertEquals(12, summary.get("streamed").asInt());
        assertEquals(12, summary.get("indexed").asInt());
        assertEquals("12", summary.get("statistics_messages").asText());
        assertEquals("ros2", summary.get("profile").asText());
        JsonNode det = lines.stream().filter(l -> "/nanodet/detections".equals(l.path("topic").asText())).findFirst().orElseThrow();
        assertEquals("[[\"person\",0.75,260,205,390,264]]", det.get("detections").toString());
        assertEquals("[1700000001,5]", det.get("stamp").toString());
        assertEquals("front", det.get("frame_id").asText());
        assertTrue(det.get("qos").asText().contains("reliability: 1"), det.toString());
        JsonNode mask = lines.stream().filter(l -> "/selfie/mask".equals(l.path("topic").asText())).findFirst().orElseThrow();
        assertEquals("[3,2,\"mono8\",6]", mask.get("image").toString());
        JsonNode diag = lines.stream().filter(l -> "/diagnostics".equals(l.path("topic").asText())).findFirst().orElseThrow();
        assertEquals("[[1,\"node: arena\",{\"peak_bytes\":\"123\"}]]", diag.get("status").toString());

        // and our reader reads it back through the metadata
        RosBag bag = RosBag.open(dir);
        assertEquals(4, bag.topics().size());
        assertEquals(3, readAll(bag, Set.of("/selfie/mask")).size());
    }

    /** One message per chunk; the middle chunk's compressed bytes are damaged: it is skipped, counted, and the rest is read. */
    @Test
    void badChunkIsSkippedAndCountedWithoutLosingTheRest() throws Exception {
        Path f = tmp.resolve("chunks.mcap");
        List<Long> chunkOffsets = new ArrayList<>();
        try (McapWriter w = new McapWriter(f, "test", "zstd", 1)) {
            int s = w.schema("sensor_msgs/msg/CompressedImage", "ros2msg", new byte[0]);
            int c = w.channel(s, "/camera/image_raw/compressed", "cdr", Map.of());
            for (int i = 0; i < 3; i++) {
                w.message(c, 1000 + i, 1000 + i, new SensorMsgs.CompressedImage(new StdMsgs.Header(new StdMsgs.Time(i, 0), "cam"), "jpeg",
                        Files.readAllBytes(IMAGES.get(i))).encode());
            }
        }
        chunkOffsets.addAll(chunkOffsets(Files.readAllBytes(f)));
        assertEquals(3, chunkOffsets.size());
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            long at = chunkOffsets.get(1) + 9 + 8 + 8 + 8 + 4 + 4 + 4 + 8 + 100; // inside the second chunk's compressed records
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x5A);
        }
        List<BagMessage> got = new ArrayList<>();
        ReadReport r = new McapReader(f).read(null, got::add);
        assertEquals(2, got.size());
        assertEquals(List.of(1000L, 1002L), got.stream().map(BagMessage::logTimeNanos).toList());
        assertEquals(1, r.skippedChunks());
        assertTrue(r.warnings().get(0).contains("record at offset " + chunkOffsets.get(1)) && r.warnings().get(0).contains("chunk skipped"),
                r.warnings().toString());
    }

    /** Offsets of the chunk records in the data section of an MCAP file. */
    static List<Long> chunkOffsets(byte[] bytes) {
        List<Long> out = new ArrayList<>();
        for (int i = 8; i < bytes.length - 9; ) {
            int op = bytes[i] & 0xff;
            long len = java.nio.ByteBuffer.wrap(bytes, i + 1, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
            if (op == 0x06) out.add((long) i);
            if (op == 0x0F) break;
            i += 9 + (int) len;
        }
        return out;
    }

    @Test
    void truncatedBagYieldsWhatPrecedesTheCutAndSaysWhere() throws Exception {
        Path f = tmp.resolve("cut.mcap");
        try (McapWriter w = new McapWriter(f, "test", "", 1)) {
            int s = w.schema("std_msgs/msg/String", "ros2msg", new byte[0]);
            int c = w.channel(s, "/chatter", "cdr", Map.of());
            for (int i = 0; i < 4; i++) w.message(c, i, i, new byte[] {0, 1, 0, 0, 2, 0, 0, 0, 'a', 0});
        }
        byte[] all = Files.readAllBytes(f);
        List<Long> chunks = chunkOffsets(all);
        assertEquals(4, chunks.size());
        Path cut = Files.write(tmp.resolve("cut2.mcap"), java.util.Arrays.copyOf(all, (int) (chunks.get(2) + 20))); // inside the third chunk
        List<BagMessage> got = new ArrayList<>();
        ReadReport r = new McapReader(cut).read(null, got::add);
        assertTrue(r.truncated());
        assertEquals(2, got.size());
        assertEquals("/chatter", new McapReader(cut).topics().get(0).name());
        assertTrue(r.warnings().get(0).contains("cut2.mcap has no summary or footer"), r.warnings().toString());
        assertTrue(r.warnings().get(1).matches(".*cut2.mcap is truncated: the record at offset " + chunks.get(2) + " \\(opcode 0x6\\) claims \\d+ bytes, 11 remain; 2 messages read before it"),
                r.warnings().get(1));
    }

    @Test
    void badBagsFailNamingTheFileAndWhatWasExpected() throws Exception {
        Path text = Files.writeString(tmp.resolve("notes.mcap"), "this is not an MCAP file at all");
        BagFormatException notMcap = assertThrows(BagFormatException.class, () -> new McapReader(text).read(null, m -> {
        }));
        assertTrue(notMcap.getMessage().contains("notes.mcap: not an MCAP file"), notMcap.getMessage());

        Path noMeta = Files.createDirectories(tmp.resolve("no_meta"));
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> RosBag.open(noMeta));
        assertTrue(missing.getMessage().contains("no_meta/metadata.yaml") && missing.getReason().contains("has no metadata.yaml"), missing.getReason());

        Path listed = Files.createDirectories(tmp.resolve("listed"));
        Files.writeString(listed.resolve("metadata.yaml"), """
                rosbag2_bagfile_information:
                  version: 5
                  storage_identifier: mcap
                  relative_file_paths: [listed_0.mcap]
                """);
        NoSuchFileException gone = assertThrows(NoSuchFileException.class, () -> RosBag.open(listed));
        assertTrue(gone.getMessage().contains("listed_0.mcap") && gone.getReason().contains("missing"), gone.getReason());

        Files.writeString(listed.resolve("metadata.yaml"), "rosbag2_bagfile_information:\n  storage_identifier: rosbag_v1\n  relative_file_paths: [x]\n");
        BagFormatException storage = assertThrows(BagFormatException.class, () -> RosBag.open(listed));
        assertTrue(storage.getMessage().contains("storage_identifier 'rosbag_v1' is not supported (mcap, sqlite3)"), storage.getMessage());

        Path fakeDb = Files.writeString(tmp.resolve("fake.db3"), "not sqlite");
        BagFormatException db = assertThrows(BagFormatException.class, () -> RosBag.open(fakeDb).topics());
        assertTrue(db.getMessage().contains("fake.db3: SQLite cannot read it as a rosbag2 bag"), db.getMessage());

        BagFormatException other = assertThrows(BagFormatException.class, () -> RosBag.open(Files.writeString(tmp.resolve("bag.bag"), "x")));
        assertTrue(other.getMessage().contains("not a bag"), other.getMessage());
    }
}
