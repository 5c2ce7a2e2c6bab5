package dev.demandlayering.ros.bag;

import dev.demandlayering.ros.msg.MessageDefinitions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a rosbag2 bag directory in MCAP storage: {@code DIR/DIR_0.mcap} (zstd chunks, ros2msg schemas, CDR
 * channels with their offered QoS) and {@code DIR/metadata.yaml}, which {@code ros2 bag play} and Foxglove open.
 */
public final class RosBagWriter implements AutoCloseable {
    /** The QoS rosbag2 records for a reliable, volatile, keep-last publisher. */
    public static final String RELIABLE_QOS = """
            - history: 1
              depth: 10
              reliability: 1
              durability: 2
              deadline:
                sec: 2147483647
                nsec: 4294967295
              lifespan:
                sec: 2147483647
                nsec: 4294967295
              liveliness: 1
              liveliness_lease_duration:
                sec: 2147483647
                nsec: 4294967295
              avoid_ros_namespace_conventions: false
            """;

    private final Path dir;
    private final String fileName;
    private final McapWriter mcap;
    private final Map<String, Integer> channels = new LinkedHashMap<>();
    private final Map<String, BagTopic> topics = new LinkedHashMap<>();
    private final Map<String, Integer> schemas = new LinkedHashMap<>();
    private long start = Long.MAX_VALUE, end, count;
    private final java.util.concurrent.ScheduledExecutorService flusher;
    private boolean closed;

    /** A bag whose chunks close at 4 MiB or after one second, so a crash loses at most about a second of it. */
    public RosBagWriter(Path dir) throws IOException {
        this(dir, 1.0);
    }

    /**
     * @param chunkSeconds the most wall-clock time one chunk stays open (and so the most a crash or power loss
     *     can lose); 0 closes chunks only by size (4 MiB)
     */
    public RosBagWriter(Path dir, double chunkSeconds) throws IOException {
        if (Files.exists(dir) && (!Files.isDirectory(dir) || !isEmpty(dir))) {
            throw new IOException(dir + " already exists and is not an empty directory: choose a new bag path");
        }
        Files.createDirectories(dir);
        this.dir = dir;
        this.fileName = dir.getFileName() + "_0.mcap";
        long chunkNanos = (long) (chunkSeconds * 1e9);
        this.mcap = new McapWriter(dir.resolve(fileName), "demand-layering", "zstd", 4 << 20, chunkNanos);
        if (chunkNanos > 0) {
            // a chunk is closed on time even when no message comes to close it
            flusher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "dlayer-bag-flush");
                t.setDaemon(true);
                return t;
            });
            long period = Math.max(10_000_000L, chunkNanos / 4);
            flusher.scheduleAtFixedRate(this::flushIfDue, period, period, java.util.concurrent.TimeUnit.NANOSECONDS);
        } else {
            flusher = null;
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private synchronized void flushIfDue() {
        if (closed) return;
        try {
            mcap.flushIfDue();
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(RosBagWriter.class).warn("{}: closing a chunk failed: {}", dir, e.getMessage());
        }
    }

    /** Declares a topic of a type this project has the definition of ("sensor_msgs/msg/Image"). */
    public synchronized void topic(String name, String rosType, String offeredQos) throws IOException {
        if (channels.containsKey(name)) return;
        Integer schema = schemas.get(rosType);
        if (schema == null) {
            schema = mcap.schema(rosType, "ros2msg", MessageDefinitions.schema(rosType).getBytes(StandardCharsets.UTF_8));
            schemas.put(rosType, schema);
        }
        channels.put(name, mcap.channel(schema, name, "cdr", Map.of("offered_qos_profiles", offeredQos)));
        topics.put(name, new BagTopic(name, rosType, "cdr", offeredQos, 0));
    }

    public synchronized void write(String topic, long logTimeNanos, byte[] cdr) throws IOException {
        Integer ch = channels.get(topic);
        if (ch == null) throw new IllegalArgumentException("topic " + topic + " was not declared");
        mcap.message(ch, logTimeNanos, logTimeNanos, cdr);
        topics.put(topic, topics.get(topic).withCount(topics.get(topic).messageCount() + 1));
        start = Math.min(start, logTimeNanos);
        end = Math.max(end, logTimeNanos);
        count++;
    }

    public Path path() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        if (flusher != null) flusher.shutdownNow();
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        mcap.close();
        List<BagTopic> list = new ArrayList<>(topics.values());
        new BagMetadata("mcap", List.of(fileName), list, count == 0 ? 0 : start, count == 0 ? 0 : end - start, count, "").write(dir);
    }
}
