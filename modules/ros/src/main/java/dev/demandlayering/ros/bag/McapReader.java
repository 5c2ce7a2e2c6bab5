package dev.demandlayering.ros.bag;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Reads an MCAP file front to back, as a stream (indexed or not, chunked or not, chunks compressed with zstd
 * or lz4). Damage costs only what it touches: a chunk that does not decompress, fails its CRC or holds a
 * broken record is skipped with a warning; a file cut short yields everything before the cut and says where.
 * A file that is not MCAP at all, or whose header is damaged, is an error.
 */
public final class McapReader {
    /** Receives messages in file order. */
    public interface Handler {
        void message(BagMessage m) throws IOException;
    }

    /** A schema record: its name ("sensor_msgs/msg/Image"), encoding ("ros2msg") and definition text. */
    public record Schema(int id, String name, String encoding, byte[] data) {
    }

    /** A channel record: a topic with its schema (null for schema id 0), message encoding and metadata. */
    public record Channel(int id, String topic, String rosType, String encoding, Map<String, String> metadata, Schema schema) {
    }

    private final Path file;
    private final Map<Integer, Schema> schemas = new HashMap<>();
    private final Map<Integer, Channel> channels = new LinkedHashMap<>();
    /** Chunk offsets from the summary's chunk indexes, ascending; empty when the file has no summary. */
    private final java.util.TreeSet<Long> chunkOffsets = new java.util.TreeSet<>();
    private boolean hasSummary;

    public McapReader(Path file) {
        this.file = file;
    }

    /** The topics: from the summary (channels and statistics) when the file has one, else by reading it all. */
    public List<BagTopic> topics() throws IOException {
        try (FileChannel ch = open()) {
            checkMagic(ch);
            Map<Integer, Long> counts = readSummary(ch);
            if (counts != null) return topicList(counts);
        }
        Map<Integer, Long> counts = new HashMap<>();
        read(null, m -> {
        }, counts);
        return topicList(counts);
    }

    /** The channels met so far (after {@link #read}: all of the file's), in id order. */
    public List<Channel> channels() {
        return List.copyOf(channels.values());
    }

    /** The channel of a topic, once read; null if none. */
    public Channel channel(String topic) {
        for (Channel c : channels.values()) if (c.topic().equals(topic)) return c;
        return null;
    }

    /** Streams the messages of the given topics (all when null) to {@code handler}; what was skipped is in the report. */
    public ReadReport read(Set<String> topics, Handler handler) throws IOException {
        return read(topics, handler, new HashMap<>());
    }

    private List<BagTopic> topicList(Map<Integer, Long> counts) {
        List<BagTopic> out = new ArrayList<>();
        for (Channel c : channels.values()) {
            out.add(new BagTopic(c.topic(), c.rosType(), c.encoding(), c.metadata().getOrDefault("offered_qos_profiles", ""),
                    counts.getOrDefault(c.id(), 0L)));
        }
        return out;
    }

    private FileChannel open() throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "MCAP file not found");
        return FileChannel.open(file, StandardOpenOption.READ);
    }

    private void checkMagic(FileChannel ch) throws IOException {
        byte[] magic = readAt(ch, 0, (int) Math.min(8, ch.size()));
        if (!Arrays.equals(magic, Mcap.MAGIC)) {
            throw new BagFormatException(file + ": not an MCAP file (the first 8 bytes are not the MCAP magic \\x89MCAP0\\r\\n)");
        }
    }

    private ReadReport read(Set<String> topics, Handler handler, Map<Integer, Long> counts) throws IOException {
        ReadReport report = new ReadReport();
        try (FileChannel ch = open()) {
            checkMagic(ch);
            readSummary(ch); // channels declared only in the summary still name their messages
            if (!hasSummary) {
                report.note(file + " has no summary or footer (the recording did not finish?): read by scanning; 'dlayer bag repair' writes them");
            }
            long size = ch.size(), pos = Mcap.MAGIC.length;
            while (pos < size) {
                if (size - pos < Mcap.RECORD_PREFIX) {
                    report.truncated(file + " is truncated: " + (size - pos) + " bytes at offset " + pos + " are not a whole record; "
                            + report.messages() + " messages read before it");
                    break;
                }
                LeReader prefix = new LeReader(readAt(ch, pos, Mcap.RECORD_PREFIX), file + " at offset " + pos);
                int op = prefix.u8("opcode");
                long len = prefix.u64("record length");
                boolean badOpcode = op == 0 || (op > Mcap.DATA_END && op < 0x80);
                if (badOpcode || len < 0 || len > size - pos - Mcap.RECORD_PREFIX) {
                    String what = "the record at offset " + pos + " (opcode 0x" + Integer.toHexString(op) + ") "
                            + (badOpcode ? "has no valid opcode" : "claims " + Long.toUnsignedString(len) + " bytes, " + (size - pos - Mcap.RECORD_PREFIX) + " remain");
                    long next = nextChunk(ch, pos, size);
                    if (next > 0) {
                        report.skippedChunk(file + ": " + what + ": skipped to the next chunk at offset " + next
                                + (chunkOffsets.isEmpty() ? " (found by scanning)" : " (from the summary's chunk index)"));
                        pos = next;
                        continue;
                    }
                    if (op == Mcap.DATA_END || op == Mcap.FOOTER) break;
                    report.truncated(file + (badOpcode ? " is damaged: " : " is truncated: ") + what + "; " + report.messages() + " messages read before it");
                    break;
                }
                if (op == Mcap.DATA_END || op == Mcap.FOOTER) break;
                if (op == Mcap.HEADER && pos != Mcap.MAGIC.length) throw new BagFormatException(file + ": a second header record at offset " + pos);
                if (len > Integer.MAX_VALUE - 16) throw new BagFormatException(file + ": record at offset " + pos + " is " + len + " bytes, too large to read");
                if (op == Mcap.SCHEMA || op == Mcap.CHANNEL || op == Mcap.MESSAGE || op == Mcap.CHUNK) {
                    byte[] body = readAt(ch, pos + Mcap.RECORD_PREFIX, (int) len);
                    String where = file + " record at offset " + pos;
                    if (op == Mcap.CHUNK) chunk(body, where, topics, handler, counts, report);
                    else record(op, new LeReader(body, where), topics, handler, counts, report);
                } else if (pos == Mcap.MAGIC.length && op != Mcap.HEADER) {
                    throw new BagFormatException(file + ": the first record is opcode 0x" + Integer.toHexString(op) + ", expected the header (0x01)");
                }
                pos += Mcap.RECORD_PREFIX + len;
            }
        }
        return report;
    }

    private void chunk(byte[] body, String where, Set<String> topics, Handler handler, Map<Integer, Long> counts, ReadReport report)
            throws IOException {
        List<BagMessage> messages = new ArrayList<>();
        Map<Integer, Long> chunkCounts = new HashMap<>();
        try {
            LeReader r = new LeReader(body, where + " (chunk)");
            r.u64("message_start_time");
            r.u64("message_end_time");
            long uncompressedSize = r.u64("uncompressed_size");
            long crc = r.u32("uncompressed_crc");
            String compression = r.string("compression");
            long n = r.u64("records length");
            byte[] compressed = r.bytes(n, "records");
            if (!ChunkCompression.supported(compression)) {
                report.skippedChunk(where + ": chunk skipped: compression '" + compression + "' is not supported (zstd, lz4, or none)");
                return;
            }
            byte[] records = ChunkCompression.decompress(compression, compressed, uncompressedSize);
            if (crc != 0) {
                CRC32 c = new CRC32();
                c.update(records);
                if (c.getValue() != crc) {
                    report.skippedChunk(where + ": chunk skipped: CRC32 of its records is " + Long.toHexString(c.getValue()) + ", the chunk says "
                            + Long.toHexString(crc));
                    return;
                }
            }
            LeReader in = new LeReader(records, where + " (in chunk)");
            while (in.remaining() > 0) {
                int op = in.u8("opcode");
                long len = in.u64("record length");
                byte[] rec = in.bytes(len, "record");
                LeReader rr = new LeReader(rec, where + " (chunk record opcode 0x" + Integer.toHexString(op) + ")");
                if (op == Mcap.MESSAGE) {
                    BagMessage m = message(rr, topics, report, chunkCounts);
                    if (m != null) messages.add(m);
                } else {
                    record(op, rr, topics, handler, counts, report);
                }
            }
        } catch (IOException e) {
            report.skippedChunk(where + ": chunk skipped: " + e.getMessage());
            return;
        }
        chunkCounts.forEach((k, v) -> counts.merge(k, v, Long::sum));
        for (BagMessage m : messages) {
            report.message();
            handler.message(m);
        }
    }

    private void record(int op, LeReader r, Set<String> topics, Handler handler, Map<Integer, Long> counts, ReadReport report) throws IOException {
        switch (op) {
            case Mcap.SCHEMA -> {
                int id = r.u16("schema id");
                String name = r.string("schema name");
                String encoding = r.string("schema encoding");
                long n = r.u32("schema data length");
                schemas.put(id, new Schema(id, name, encoding, r.bytes(n, "schema data")));
            }
            case Mcap.CHANNEL -> {
                int id = r.u16("channel id");
                int schema = r.u16("schema id");
                String topic = r.string("topic");
                String encoding = r.string("message_encoding");
                Map<String, String> meta = r.stringMap("metadata");
                Schema s = schemas.get(schema);
                if (schema != 0 && s == null) throw new BagFormatException("channel " + id + " (" + topic + ") names schema " + schema + ", which was not defined before it");
                channels.put(id, new Channel(id, topic, s == null ? "" : s.name(), encoding, meta, s));
            }
            case Mcap.MESSAGE -> {
                BagMessage m = message(r, topics, report, counts);
                if (m != null) {
                    report.message();
                    handler.message(m);
                }
            }
            default -> {
            } // other records carry nothing a replay needs
        }
    }

    /** Parses a message record; counts it per channel; null when its channel is unknown (skipped, reported) or its topic is not wanted. */
    private BagMessage message(LeReader r, Set<String> topics, ReadReport report, Map<Integer, Long> counts) throws BagFormatException {
        int channelId = r.u16("channel id");
        r.u32("sequence");
        long logTime = r.u64("log_time");
        long publishTime = r.u64("publish_time");
        Channel c = channels.get(channelId);
        if (c == null) {
            report.skippedMessage(file + ": message on channel " + channelId + ", which no channel record defines: skipped");
            return null;
        }
        counts.merge(channelId, 1L, Long::sum);
        if (topics != null && !topics.contains(c.topic())) return null;
        return new BagMessage(c.topic(), c.rosType(), logTime, publishTime, r.rest());
    }

    /**
     * Where reading can go on after a damaged record at {@code pos}: the next chunk the summary's chunk index
     * lists, or without an index the next offset that holds a well-formed chunk record; 0 when there is none.
     */
    private long nextChunk(FileChannel ch, long pos, long size) throws IOException {
        if (!chunkOffsets.isEmpty()) {
            Long next = chunkOffsets.higher(pos);
            return next == null ? 0 : next;
        }
        final int window = 1 << 20;
        for (long base = pos + 1; base < size; base += window - 64) {
            byte[] buf = readAt(ch, base, (int) Math.min(window, size - base));
            for (int i = 0; i < buf.length; i++) {
                if (buf[i] != Mcap.CHUNK) continue;
                // the chunk's fixed fields from the window itself; only near its end from the file
                byte[] head = buf;
                int at = i;
                if (i + CHUNK_HEAD > buf.length) {
                    head = readAt(ch, base + i, CHUNK_HEAD);
                    at = 0;
                }
                if (looksLikeChunk(head, at, base + i, size)) return base + i;
            }
        }
        return 0;
    }

    /** Bytes of a chunk record up to its records' length: prefix, times, sizes, CRC and a compression name of up to 12 characters. */
    private static final int CHUNK_HEAD = Mcap.RECORD_PREFIX + 36 + 16;

    /**
     * Whether the chunk record whose bytes start at {@code b[i]} (file offset {@code at}) has fixed fields that agree with each other
     * and with the file: a length that fits, start <= end, a known compression, lengths that add up.
     */
    private static boolean looksLikeChunk(byte[] b, int i, long at, long size) {
        if (size - at < Mcap.RECORD_PREFIX + 40 || b.length - i < Mcap.RECORD_PREFIX + 40) return false;
        java.nio.ByteBuffer le = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long len = le.getLong(i + 1);
        if (len < 40 || len > size - at - Mcap.RECORD_PREFIX) return false;
        long start = le.getLong(i + 9), end = le.getLong(i + 17);
        int compLen = le.getInt(i + 37);
        if (Long.compareUnsigned(start, end) > 0 || compLen < 0 || compLen > 16 || b.length - i < 41 + compLen + 8) return false;
        String compression = new String(b, i + 41, compLen, java.nio.charset.StandardCharsets.UTF_8);
        if (!ChunkCompression.supported(compression)) return false;
        long records = le.getLong(i + 41 + compLen);
        return records == len - 40 - compLen;
    }

    /** Reads schemas and channels from the summary; returns the statistics' per-channel counts, or null without a summary. */
    private Map<Integer, Long> readSummary(FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < Mcap.MAGIC.length * 2L + Mcap.FOOTER_RECORD) return null;
        if (!Arrays.equals(readAt(ch, size - 8, 8), Mcap.MAGIC)) return null; // not finished (e.g. truncated): stream instead
        long footerAt = size - 8 - Mcap.FOOTER_RECORD;
        LeReader f = new LeReader(readAt(ch, footerAt, Mcap.FOOTER_RECORD), file + " footer");
        if (f.u8("opcode") != Mcap.FOOTER) return null;
        f.u64("length");
        long summaryStart = f.u64("summary_start");
        long summaryOffsetStart = f.u64("summary_offset_start");
        if (summaryStart == 0) {
            hasSummary = true; // a finished file that chose not to write a summary
            return null;
        }
        long summaryEnd = summaryOffsetStart != 0 ? summaryOffsetStart : footerAt;
        if (summaryStart < Mcap.MAGIC.length || summaryEnd > footerAt || summaryStart > summaryEnd) {
            throw new BagFormatException(file + ": footer's summary_start " + summaryStart + " / summary_offset_start " + summaryOffsetStart
                    + " lie outside the file (" + size + " bytes)");
        }
        hasSummary = true;
        byte[] summary = readAt(ch, summaryStart, (int) (summaryEnd - summaryStart));
        LeReader s = new LeReader(summary, file + " summary at offset " + summaryStart);
        Map<Integer, Long> counts = null;
        while (s.remaining() > 0) {
            int op = s.u8("opcode");
            long len = s.u64("record length");
            LeReader r = new LeReader(s.bytes(len, "record"), file + " summary record");
            if (op == Mcap.SCHEMA || op == Mcap.CHANNEL) record(op, r, null, m -> {
            }, new HashMap<>(), new ReadReport());
            else if (op == Mcap.STATISTICS) {
                r.u64("message_count");
                r.u16("schema_count");
                r.u32("channel_count");
                r.u32("attachment_count");
                r.u32("metadata_count");
                r.u32("chunk_count");
                r.u64("message_start_time");
                r.u64("message_end_time");
                counts = r.u16u64Map("channel_message_counts");
            } else if (op == Mcap.CHUNK_INDEX) {
                r.u64("message_start_time");
                r.u64("message_end_time");
                long offset = r.u64("chunk_start_offset");
                if (offset >= Mcap.MAGIC.length && offset < summaryStart) chunkOffsets.add(offset);
            }
        }
        return counts != null ? counts : new HashMap<>();
    }

    private static byte[] readAt(FileChannel ch, long pos, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining()) {
            int k = ch.read(buf, pos + buf.position());
            if (k < 0) break;
        }
        return Arrays.copyOf(buf.array(), buf.position());
    }
}
