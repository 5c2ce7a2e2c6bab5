package dev.demandlayering.ros.replay;

import dev.demandlayering.ros.bag.BagMessage;
import dev.demandlayering.ros.bag.BagTopic;
import dev.demandlayering.ros.bag.ReadReport;
import dev.demandlayering.ros.bag.RosBag;
import dev.demandlayering.ros.bag.RosBagWriter;
import dev.demandlayering.ros.dds.Qos;
import dev.demandlayering.ros.msg.MessageDefinitions;
import dev.demandlayering.ros.node.CameraFrame;
import dev.demandlayering.ros.node.FrameProcessor;
import dev.demandlayering.ros.node.MessageSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a bag's camera messages through the node's own frame path ({@link FrameProcessor}), in bag order, and
 * records the outputs. Every frame is processed (none dropped) unless {@code dropFrames} asks for live
 * behaviour, where frames are offered at the bag's pace and the newest per camera wins as on a robot.
 * Outputs go to a new bag with the input message's log time, so they line up with the camera in viewers.
 */
public final class Replayer {
    private static final Logger LOG = LoggerFactory.getLogger(Replayer.class);
    static final String IMAGE = "sensor_msgs/msg/Image", COMPRESSED = "sensor_msgs/msg/CompressedImage";

    /**
     * @param rate playback speed relative to the bag's clock; 0 = as fast as possible
     * @param chunkSeconds the recorded bag's chunks close after this long (what a crash can lose at most); 0: by size only
     * @param stop asked between frames; once true the replay ends after the current frame and the recording is finished
     */
    public record Options(List<String> cameras, double rate, Path record, boolean recordInputs, boolean dropFrames, double chunkSeconds,
                          BooleanSupplier stop) {
        public Options(List<String> cameras, double rate, Path record, boolean recordInputs, boolean dropFrames) {
            this(cameras, rate, record, recordInputs, dropFrames, 1.0, () -> false);
        }
    }

    /**
     * What a replay did: its frames, the outputs to compare with golden files, and what was skipped or lost;
     * {@code stopped}: it ended early because {@link Options#stop} asked.
     */
    public record Result(List<FrameRecord> frames, GoldenOutputs outputs, long invalidFrames, long droppedFrames, ReadReport bagReport,
                         List<String> cameras, double wallSeconds, long failedFrames, boolean stopped) {
    }

    /** Thrown through the bag reader to end a replay early; never escapes {@link #run}. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super("replay stopped", null, false, false);
        }
    }

    private Replayer() {
    }

    /**
     * Checks the cameras against the bag (present, an image type) and returns them with their types;
     * fails naming the bag, the topic and what was expected.
     */
    static Map<String, String> cameraTypes(RosBag bag, List<String> cameras) throws IOException {
        Map<String, BagTopic> topics = new LinkedHashMap<>();
        for (BagTopic t : bag.topics()) topics.put(t.name(), t);
        Map<String, String> out = new LinkedHashMap<>();
        for (String c : cameras) {
            BagTopic t = topics.get(c);
            if (t == null) {
                throw new IllegalArgumentException("camera topic " + c + " is not in bag " + bag.path() + " (its topics: " + summary(topics.values())
                        + "); set image_topics or --topics");
            }
            if (!t.rosType().equals(IMAGE) && !t.rosType().equals(COMPRESSED)) {
                throw new IllegalArgumentException("topic " + c + " in bag " + bag.path() + " has type " + t.rosType() + "; a camera topic must be "
                        + IMAGE + " or " + COMPRESSED);
            }
            if (!t.serializationFormat().isEmpty() && !t.serializationFormat().equals("cdr")) {
                throw new IllegalArgumentException("topic " + c + " in bag " + bag.path() + " is serialized as '" + t.serializationFormat() + "', expected cdr");
            }
            out.put(c, t.rosType());
        }
        return out;
    }

    private static String summary(java.util.Collection<BagTopic> topics) {
        List<String> s = new ArrayList<>();
        for (BagTopic t : topics) s.add(t.name() + " [" + t.rosType() + ", " + t.messageCount() + "]");
        return s.isEmpty() ? "none" : String.join(", ", s);
    }

    public static Result run(FrameProcessor processor, RosBag bag, Options options) throws IOException {
        Map<String, String> cameras = cameraTypes(bag, options.cameras());
        GoldenOutputs golden = new GoldenOutputs();
        List<FrameRecord> records = new ArrayList<>();
        long start = System.nanoTime();
        try (BagSink sink = new BagSink(options.record(), options.chunkSeconds(), golden)) {
            processor.advertise(sink);
            if (options.recordInputs()) {
                for (Map.Entry<String, String> c : cameras.entrySet()) sink.declare(c.getKey(), c.getValue());
            }
            Feed feed = new Feed(processor, cameras, sink, golden, records, options);
            ReadReport report;
            boolean stopped = false;
            try {
                report = bag.read(new LinkedHashSet<>(cameras.keySet()), feed::message);
                feed.finish();
            } catch (Stopped s) {
                stopped = true;
                report = new ReadReport();
                LOG.info("replay stopped after {} frames; finishing the recording", records.size());
            }
            for (String w : report.warnings()) LOG.warn("{}", w);
            return new Result(records, golden, processor.invalidFrames(), feed.dropped(), report, List.copyOf(cameras.keySet()),
                    (System.nanoTime() - start) / 1e9, processor.failedFrames(), stopped);
        }
    }

    /** Paces and delivers the bag's camera messages, processing each (or, in drop mode, the newest per camera). */
    private static final class Feed {
        private final FrameProcessor processor;
        private final Map<String, String> cameras;
        private final BagSink sink;
        private final GoldenOutputs golden;
        private final List<FrameRecord> records;
        private final Options options;
        private final Map<String, Long> dropped = new LinkedHashMap<>();
        private final Map<String, BagMessage> pending = new LinkedHashMap<>();
        private long firstLog = Long.MIN_VALUE, wallStart;

        Feed(FrameProcessor processor, Map<String, String> cameras, BagSink sink, GoldenOutputs golden, List<FrameRecord> records, Options options) {
            this.processor = processor;
            this.cameras = cameras;
            this.sink = sink;
            this.golden = golden;
            this.records = records;
            this.options = options;
            for (String c : cameras.keySet()) dropped.put(c, 0L);
        }

        void message(BagMessage m) throws IOException {
            if (options.stop().getAsBoolean()) throw new Stopped();
            if (firstLog == Long.MIN_VALUE) {
                firstLog = m.logTimeNanos();
                wallStart = System.nanoTime();
            }
            if (options.rate() <= 0) {
                process(m);
                return;
            }
            long due = wallStart + (long) ((m.logTimeNanos() - firstLog) / options.rate());
            if (options.dropFrames()) {
                // a single worker: frames that arrive while it is busy wait in one slot per camera, the newest winning
                while (!pending.isEmpty() && System.nanoTime() < due) process(takePending());
                if (System.nanoTime() >= due) {
                    if (pending.put(m.topic(), m) != null) dropped.merge(m.topic(), 1L, Long::sum);
                    return;
                }
            }
            sleepUntil(due, options.stop());
            process(m);
        }

        void finish() throws IOException {
            while (!pending.isEmpty()) {
                if (options.stop().getAsBoolean()) throw new Stopped();
                process(takePending());
            }
        }


        private BagMessage takePending() {
            String first = pending.keySet().iterator().next();
            return pending.remove(first);
        }

        long dropped() {
            return dropped.values().stream().mapToLong(Long::longValue).sum();
        }

        private void process(BagMessage m) throws IOException {
            if (options.recordInputs()) sink.write(m.topic(), m.logTimeNanos(), m.data());
            processor.clock().set(m.logTimeNanos()); // use_sim_time: the bag's clock, as ros2 bag play --clock gives it
            CameraFrame f;
            try {
                f = processor.decode(m.topic(), cameras.get(m.topic()).equals(COMPRESSED), m.data(), System.nanoTime());
            } catch (RuntimeException e) {
                LOG.warn("{} @ {} ns: frame skipped: {}", m.topic(), m.logTimeNanos(), e.getMessage());
                return;
            }
            sink.logTime(m.logTimeNanos());
            golden.startFrame(m.topic(), f.header().stamp().sec(), f.header().stamp().nanosec());
            FrameProcessor.Processed p = processor.process(f, sink, dropped);
            if (p.failed()) return; // counted by the processor; no figures to record
            records.add(new FrameRecord(records.size(), m.topic(), f.header().stamp().sec(), f.header().stamp().nanosec(), m.logTimeNanos(),
                    p.stats().latencyMs(), p.stats().stallMs(), p.stats().peakBytes(), p.stats().arenaBytes(), p.stats().bytesRead(), p.sinceReceiptMs(),
                    p.missedDeadline(), p.summaries()));
        }

        /** Waits for a frame's time on the bag's clock, in short steps so a stop request ends the wait. */
        private static void sleepUntil(long due, BooleanSupplier stop) {
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                if (stop.getAsBoolean()) throw new Stopped();
                try {
                    Thread.sleep(Math.min(wait / 1_000_000, 50), (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The node's outputs into a bag (when recording) and into the golden collector; log time = the input's. */
    private static final class BagSink implements MessageSink, AutoCloseable {
        private final RosBagWriter writer;
        private final GoldenOutputs golden;
        private final Set<String> declared = new LinkedHashSet<>();
        private long logTime;

        BagSink(Path record, double chunkSeconds, GoldenOutputs golden) throws IOException {
            this.writer = record == null ? null : new RosBagWriter(record, chunkSeconds);
            this.golden = golden;
        }

        void logTime(long nanos) {
            logTime = nanos;
        }

        void declare(String topic, String rosType) throws IOException {
            if (writer != null && declared.add(topic)) writer.topic(topic, rosType, RosBagWriter.RELIABLE_QOS);
        }

        void write(String topic, long time, byte[] cdr) throws IOException {
            if (writer != null) writer.write(topic, time, cdr);
        }

        @Override
        public void advertise(String topic, String ddsTypeName, Qos qos, int maxBytes) {
            try {
                declare(topic, MessageDefinitions.rosType(ddsTypeName));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void publish(String topic, byte[] cdr, long ignoredLogNanos) {
            golden.output(topic, cdr);
            try {
                write(topic, logTime, cdr);
            } catch (IOException e) {
                throw new UncheckedIOException("recording " + topic + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws IOException {
            if (writer != null) writer.close();
        }
    }
}
