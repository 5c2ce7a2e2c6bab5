package dev.demandlayering.ros.bag;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Writes an indexed, chunked MCAP file the way rosbag2's MCAP storage does (profile "ros2", ros2msg schemas,
 * CDR channels): schemas and channels before their first message, messages in compressed chunks each followed
 * by its message indexes, then a summary (schemas, channels, statistics, chunk indexes, metadata indexes),
 * summary offsets and the footer with the summary's CRC, so readers can seek (Foxglove, ros2 bag) or stream.
 */
public final class McapWriter implements AutoCloseable {
    private record ChunkIndex(long start, long end, long offset, long length, Map<Integer, Long> indexOffsets, long indexLength,
                              long compressedSize, long uncompressedSize) {
    }

    private final OutputStream out;
    private final java.nio.channels.FileChannel file;
    private final String compression;
    private final int chunkBytes;
    private final long chunkNanos;
    private long chunkOpenedNanos;
    private long position;
    private final Map<Integer, byte[]> schemaRecords = new LinkedHashMap<>();
    private final Map<Integer, byte[]> channelRecords = new LinkedHashMap<>();
    private final Map<Integer, Long> channelCounts = new TreeMap<>();
    private final Map<Integer, Integer> sequence = new LinkedHashMap<>();
    private final List<ChunkIndex> chunkIndexes = new ArrayList<>();
    private final List<byte[]> metadataIndexes = new ArrayList<>();
    private LeWriter chunk = new LeWriter();
    private final Map<Integer, List<long[]>> chunkMessageIndex = new TreeMap<>();
    private long chunkStart = Long.MAX_VALUE, chunkEnd, messageStart = Long.MAX_VALUE, messageEnd, messages;
    private int chunks, metadataCount;
    private boolean closed;

    /** @param compression "zstd", "lz4" or "" */
    public McapWriter(Path file, String library, String compression, int chunkBytes) throws IOException {
        this(file, library, compression, chunkBytes, 0);
    }

    /**
     * @param chunkNanos when positive, a chunk is also closed once its first message is this old (wall clock), and every
     *     closed chunk is forced to the disk: a crash or power loss loses at most that much of the recording
     */
    public McapWriter(Path file, String library, String compression, int chunkBytes, long chunkNanos) throws IOException {
        if (!ChunkCompression.supported(compression)) throw new IllegalArgumentException("chunk compression '" + compression + "' is not supported (zstd, lz4, or none)");
        this.compression = compression;
        this.chunkBytes = chunkBytes;
        this.chunkNanos = chunkNanos;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        java.io.FileOutputStream fos = new java.io.FileOutputStream(file.toFile());
        this.file = fos.getChannel();
        this.out = new BufferedOutputStream(fos, 1 << 20);
        write(Mcap.MAGIC);
        write(LeWriter.record(Mcap.HEADER, new LeWriter().string("ros2").string(library).toByteArray()));
    }

    /** Registers a ros2msg schema ("sensor_msgs/msg/Image" and its definition text); returns its id. */
    public int schema(String name, String encoding, byte[] data) throws IOException {
        int id = schemaRecords.size() + 1;
        byte[] rec = LeWriter.record(Mcap.SCHEMA, new LeWriter().u16(id).string(name).string(encoding).u32(data.length).bytes(data).toByteArray());
        schemaRecords.put(id, rec);
        write(rec);
        return id;
    }

    /** Registers a channel (a topic with its schema, message encoding and metadata); returns its id. */
    public int channel(int schemaId, String topic, String messageEncoding, Map<String, String> metadata) throws IOException {
        if (schemaId != 0 && !schemaRecords.containsKey(schemaId)) throw new IllegalArgumentException("schema " + schemaId + " was not registered");
        int id = channelRecords.size() + 1;
        byte[] rec = LeWriter.record(Mcap.CHANNEL, new LeWriter().u16(id).u16(schemaId).string(topic).string(messageEncoding).stringMap(metadata)
                .toByteArray());
        channelRecords.put(id, rec);
        channelCounts.put(id, 0L);
        write(rec);
        return id;
    }

    public void message(int channelId, long logTime, long publishTime, byte[] data) throws IOException {
        if (!channelRecords.containsKey(channelId)) throw new IllegalArgumentException("channel " + channelId + " was not registered");
        int seq = sequence.merge(channelId, 1, Integer::sum);
        byte[] rec = LeWriter.record(Mcap.MESSAGE, new LeWriter().u16(channelId).u32(seq).u64(logTime).u64(publishTime).bytes(data).toByteArray());
        if (chunk.size() == 0) chunkOpenedNanos = System.nanoTime();
        chunkMessageIndex.computeIfAbsent(channelId, k -> new ArrayList<>()).add(new long[] {logTime, chunk.size()});
        chunk.bytes(rec);
        chunkStart = Math.min(chunkStart, logTime);
        chunkEnd = Math.max(chunkEnd, logTime);
        messageStart = Math.min(messageStart, logTime);
        messageEnd = Math.max(messageEnd, logTime);
        channelCounts.merge(channelId, 1L, Long::sum);
        messages++;
        if (chunk.size() >= chunkBytes) flushChunk();
        else flushIfDue();
    }

    /** Closes the open chunk, and puts it on the disk, when it is older than the chunk time limit. */
    public void flushIfDue() throws IOException {
        if (chunkNanos > 0 && chunk.size() > 0 && System.nanoTime() - chunkOpenedNanos >= chunkNanos) flushChunk();
    }

    /** A metadata record (rosbag2 stores its bag information under the name "rosbag2"). */
    public void metadata(String name, Map<String, String> values) throws IOException {
        flushChunk();
        long at = position;
        byte[] rec = LeWriter.record(Mcap.METADATA, new LeWriter().string(name).stringMap(values).toByteArray());
        write(rec);
        metadataIndexes.add(LeWriter.record(Mcap.METADATA_INDEX, new LeWriter().u64(at).u64(rec.length).string(name).toByteArray()));
        metadataCount++;
    }

    private void flushChunk() throws IOException {
        if (chunk.size() == 0) return;
        byte[] records = chunk.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(records);
        byte[] compressed = ChunkCompression.compress(compression, records);
        byte[] rec = LeWriter.record(Mcap.CHUNK, new LeWriter().u64(chunkStart).u64(chunkEnd).u64(records.length).u32(crc.getValue())
                .string(compression).u64(compressed.length).bytes(compressed).toByteArray());
        long chunkOffset = position;
        write(rec);
        long indexStart = position;
        Map<Integer, Long> offsets = new LinkedHashMap<>();
        for (Map.Entry<Integer, List<long[]>> e : chunkMessageIndex.entrySet()) {
            offsets.put(e.getKey(), position);
            LeWriter entries = new LeWriter();
            for (long[] te : e.getValue()) entries.u64(te[0]).u64(te[1]);
            byte[] eb = entries.toByteArray();
            write(LeWriter.record(Mcap.MESSAGE_INDEX, new LeWriter().u16(e.getKey()).u32(eb.length).bytes(eb).toByteArray()));
        }
        chunkIndexes.add(new ChunkIndex(chunkStart, chunkEnd, chunkOffset, rec.length, offsets, position - indexStart, compressed.length, records.length));
        chunks++;
        chunk = new LeWriter();
        chunkMessageIndex.clear();
        chunkStart = Long.MAX_VALUE;
        chunkEnd = 0;
        if (chunkNanos > 0) {
            out.flush();
            file.force(false);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            flushChunk();
            write(LeWriter.record(Mcap.DATA_END, new LeWriter().u32(0).toByteArray()));
            long summaryStart = position;
            CRC32 summaryCrc = new CRC32();
            List<long[]> groups = new ArrayList<>(); // opcode, start, length
            group(Mcap.SCHEMA, new ArrayList<>(schemaRecords.values()), groups, summaryCrc);
            group(Mcap.CHANNEL, new ArrayList<>(channelRecords.values()), groups, summaryCrc);
            byte[] stats = LeWriter.record(Mcap.STATISTICS, new LeWriter().u64(messages).u16(schemaRecords.size()).u32(channelRecords.size()).u32(0)
                    .u32(metadataCount).u32(chunks).u64(messages == 0 ? 0 : messageStart).u64(messageEnd).u16u64Map(channelCounts).toByteArray());
            group(Mcap.STATISTICS, List.of(stats), groups, summaryCrc);
            List<byte[]> indexes = new ArrayList<>();
            for (ChunkIndex c : chunkIndexes) {
                LeWriter offsets = new LeWriter();
                c.indexOffsets().forEach((k, v) -> offsets.u16(k).u64(v));
                byte[] ob = offsets.toByteArray();
                indexes.add(LeWriter.record(Mcap.CHUNK_INDEX, new LeWriter().u64(c.start()).u64(c.end()).u64(c.offset()).u64(c.length())
                        .u32(ob.length).bytes(ob).u64(c.indexLength()).string(compression).u64(c.compressedSize()).u64(c.uncompressedSize())
                        .toByteArray()));
            }
            group(Mcap.CHUNK_INDEX, indexes, groups, summaryCrc);
            group(Mcap.METADATA_INDEX, metadataIndexes, groups, summaryCrc);
            long summaryOffsetStart = position;
            for (long[] g : groups) {
                byte[] rec = LeWriter.record(Mcap.SUMMARY_OFFSET, new LeWriter().u8((int) g[0]).u64(g[1]).u64(g[2]).toByteArray());
                summaryCrc.update(rec);
                write(rec);
            }
            byte[] footerHead = new LeWriter().u8(Mcap.FOOTER).u64(20).u64(summaryStart).u64(summaryOffsetStart).toByteArray();
            summaryCrc.update(footerHead);
            write(footerHead);
            write(new LeWriter().u32(summaryCrc.getValue()).toByteArray());
            write(Mcap.MAGIC);
        } finally {
            out.close();
        }
    }

    private void group(int opcode, List<byte[]> records, List<long[]> groups, CRC32 crc) throws IOException {
        if (records.isEmpty()) return;
        long start = position;
        for (byte[] r : records) {
            crc.update(r);
            write(r);
        }
        groups.add(new long[] {opcode, start, position - start});
    }

    private void write(byte[] b) throws IOException {
        out.write(b);
        position += b.length;
    }
}
