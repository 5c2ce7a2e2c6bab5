package dev.demandlayering.ros.bag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.demandlayering.ros.msg.DiagnosticMsgs;
import dev.demandlayering.ros.msg.StdMsgs;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bags a crash or a bad disk left damaged: a chunk whose record length is garbage costs only that chunk (found
 * again through the summary's chunk index, or by scanning when there is none); a recording cut off before its
 * summary is readable as it is and mended by {@link BagRepair} into a bag Foxglove's indexed reader opens.
 */
class BagRecoveryTest {
    @TempDir
    Path tmp;

    private static byte[] diagnostic(int i) {
        StdMsgs.Header h = new StdMsgs.Header(new StdMsgs.Time(100 + i, 0), "cam");
        return new DiagnosticMsgs.DiagnosticArray(h, List.of(new DiagnosticMsgs.DiagnosticStatus(DiagnosticMsgs.OK, "node: arena", "frame " + i,
                "demand_layering", List.of(new DiagnosticMsgs.KeyValue("frame", Integer.toString(i)))))).encode();
    }

    /** 20 messages in 5 chunks of 4. */
    private Path fiveChunks(String name) throws Exception {
        Path f = tmp.resolve(name);
        int record = 9 + 2 + 4 + 8 + 8 + diagnostic(10).length;
        try (McapWriter w = new McapWriter(f, "test", "zstd", 4 * record)) {
            int s = w.schema("diagnostic_msgs/msg/DiagnosticArray", "ros2msg", new byte[0]);
            int c = w.channel(s, "/diagnostics", "cdr", Map.of());
            for (int i = 0; i < 20; i++) w.message(c, 1000 + i, 1000 + i, diagnostic(10 + i));
        }
        assertEquals(5, RosBagTest.chunkOffsets(Files.readAllBytes(f)).size());
        return f;
    }

    private static void setLength(Path f, long recordAt, long length) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(recordAt + 1);
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(length).array());
        }
    }

    private static List<Long> times(Path f, ReadReport[] report) throws Exception {
        List<Long> got = new ArrayList<>();
        report[0] = new McapReader(f).read(null, m -> got.add(m.logTimeNanos()));
        return got;
    }

    @Test
    void aChunkLengthOfTwoToTheSixtyLosesOnlyThatChunk() throws Exception {
        Path f = fiveChunks("indexed.mcap");
        List<Long> chunks = RosBagTest.chunkOffsets(Files.readAllBytes(f));
        setLength(f, chunks.get(1), 1L << 60);
        ReadReport[] r = new ReadReport[1];
        List<Long> got = times(f, r);
        assertEquals(16, got.size(), "chunks 1, 3, 4 and 5 are intact");
        assertFalse(got.contains(1004L) || got.contains(1007L), got.toString());
        assertTrue(got.contains(1008L) && got.contains(1019L), got.toString());
        assertEquals(1, r[0].skippedChunks());
        assertFalse(r[0].truncated());
        String w = r[0].warnings().get(0);
        assertTrue(w.contains("the record at offset " + chunks.get(1) + " (opcode 0x6) claims 1152921504606846976 bytes")
                && w.contains("skipped to the next chunk at offset " + chunks.get(2) + " (from the summary's chunk index)"), w);
    }

    @Test
    void withoutASummaryTheNextChunkIsFoundByScanning() throws Exception {
        Path whole = fiveChunks("whole.mcap");
        byte[] all = Files.readAllBytes(whole);
        List<Long> chunks = RosBagTest.chunkOffsets(all);
        // cut the file after its last chunk's message indexes: no data end, summary or footer, as a killed recorder leaves it
        int end = dataEnd(all);
        Path f = Files.write(tmp.resolve("unindexed.mcap"), Arrays.copyOf(all, end));
        setLength(f, chunks.get(3), 1L << 60);
        ReadReport[] r = new ReadReport[1];
        List<Long> got = times(f, r);
        assertEquals(16, got.size(), got.toString());
        assertFalse(got.contains(1012L), got.toString());
        assertTrue(r[0].warnings().stream().anyMatch(x -> x.contains("skipped to the next chunk at offset " + chunks.get(4) + " (found by scanning)")),
                r[0].warnings().toString());
        assertTrue(r[0].warnings().get(0).contains("has no summary or footer"), r[0].warnings().toString());

        // a chunk whose length is off by a little lands reading in the middle of its successor: that chunk is lost, not the rest
        Path g = Files.write(tmp.resolve("shifted.mcap"), Arrays.copyOf(all, end));
        long len = ByteBuffer.wrap(all, (int) (chunks.get(1) + 1), 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        setLength(g, chunks.get(1), len + 37);
        List<Long> rest = times(g, r);
        assertTrue(rest.containsAll(List.of(1000L, 1003L, 1008L, 1019L)), rest.toString());
        assertTrue(rest.size() >= 12, rest.toString());
    }

    /** Where the data end record starts: the length of the data section a recorder killed before close would have written. */
    private static int dataEnd(byte[] all) {
        for (int i = 8; i < all.length - 9; ) {
            int op = all[i] & 0xff;
            if (op == 0x0F) return i;
            i += 9 + (int) ByteBuffer.wrap(all, i + 1, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        }
        throw new AssertionError("no data end record");
    }

    /**
     * A recording that was never closed (the process killed): its chunks reached the disk on time, so the bag as it
     * lies is readable by scanning, and {@code BagRepair} makes it whole: summary, footer, metadata.yaml, every message.
     */
    @Test
    void anUnfinishedRecordingIsReadableAndRepaired() throws Exception {
        BagOracle.assumeInstalled();
        Path dir = tmp.resolve("killed");
        RosBagWriter w = new RosBagWriter(dir, 0.2);
        w.topic("/diagnostics", "diagnostic_msgs/msg/DiagnosticArray", RosBagWriter.RELIABLE_QOS);
        for (int i = 0; i < 6; i++) w.write("/diagnostics", 2000 + i, diagnostic(i));
        Thread.sleep(800); // the flusher closes the open chunk on time although no message comes after it
        // what a SIGKILL leaves: the directory as it is now, without metadata.yaml, summary or footer
        Path copy = Files.createDirectories(tmp.resolve("copy"));
        Files.copy(dir.resolve("killed_0.mcap"), copy.resolve("copy_0.mcap"));
        w.close();
        assertFalse(Files.exists(copy.resolve("metadata.yaml")));

        RosBag bag = RosBag.open(copy);
        assertTrue(bag.notes().get(0).contains("has no metadata.yaml"), bag.notes().toString());
        List<BagMessage> got = new ArrayList<>();
        ReadReport r = bag.read(null, got::add);
        assertEquals(6, got.size(), r.warnings().toString());
        assertFalse(r.truncated(), r.warnings().toString());

        BagRepair.Result fixed = BagRepair.repair(copy);
        assertEquals(6, fixed.messages());
        assertTrue(Files.exists(copy.resolve("copy_0.mcap.orig")));
        BagMetadata meta = BagMetadata.read(copy);
        assertEquals(6, meta.messageCount());
        assertEquals(List.of("copy_0.mcap"), meta.relativeFilePaths());
        ReadReport after = RosBag.open(copy).read(null, m -> {
        });
        assertEquals(List.of(), after.warnings());
        JsonNode summary = lastLine(BagOracle.run("read-mcap.mjs", copy.resolve("copy_0.mcap").toString()));
        assertEquals(6, summary.get("indexed").asInt());
        assertEquals(6, summary.get("streamed").asInt());
    }

    static JsonNode lastLine(String out) throws Exception {
        List<String> lines = out.lines().toList();
        return new ObjectMapper().readTree(lines.get(lines.size() - 1));
    }
}
