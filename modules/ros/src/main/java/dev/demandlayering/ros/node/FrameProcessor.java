package dev.demandlayering.ros.node;

import dev.demandlayering.models.ModelCatalog;
import dev.demandlayering.models.ModelManifest;
import dev.demandlayering.models.ModelSession;
import dev.demandlayering.perception.ModelResult;
import dev.demandlayering.perception.Pipeline;
import dev.demandlayering.ros.dds.Qos;
import dev.demandlayering.ros.msg.DiagnosticMsgs;
import dev.demandlayering.ros.msg.SensorMsgs;
import dev.demandlayering.ros.msg.StdMsgs;
import dev.demandlayering.ros.params.NodeConfig;
import dev.demandlayering.ros.params.RosArgs;
import dev.demandlayering.runtime.Session;
import dev.demandlayering.runtime.exec.FrameStats;
import dev.demandlayering.runtime.exec.LayerStats;
import dev.demandlayering.runtime.plan.ArenaPlan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the node does with one camera message, whatever delivered it (live DDS or a replayed bag): decode it,
 * run every model on it through one {@link Session} (one arena for all), publish each model's detections or
 * mask and the frame's diagnostics to a {@link MessageSink}. Not thread-safe for {@link #process}: one
 * inference thread calls it; {@link #decode} may run on transport threads.
 */
public final class FrameProcessor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FrameProcessor.class);
    public static final String DIAGNOSTICS_TOPIC = "/diagnostics";

    /** One processed frame's figures (the replay report is built from these). */
    public record Processed(CameraFrame frame, FrameStats stats, double sinceReceiptMs, double endToEndMs, boolean missedDeadline,
                            List<String> summaries, String error) {
        /** True when the frame produced no outputs (its stats are null); {@link #error} says why. */
        public boolean failed() {
            return stats == null;
        }
    }

    private final NodeConfig config;
    private final RosArgs args;
    private final List<ModelOutputs> outputs = new ArrayList<>();
    private final Map<String, UnaryOperator<String>> outputTopics = new LinkedHashMap<>();
    private final Pipeline pipeline;
    private final FailureLog failures = new FailureLog(LOG);
    private final OutputGuard guard = new OutputGuard();
    private long frames, invalid, late, failed;
    private String lastError = "";

    /** Plans and opens the models: a bad model, manifest or arena size fails here, before any transport starts. */
    public FrameProcessor(RosArgs args, Map<String, Object> params, ModelCatalog catalog) throws IOException {
        this(args, NodeConfig.from(params), catalog);
    }

    public FrameProcessor(RosArgs args, NodeConfig config, ModelCatalog catalog) throws IOException {
        this.args = args;
        this.config = config;
        this.pipeline = Pipeline.open(config.perception(), catalog);
        LOG.info("{}", pipeline.backendReason());
        for (ModelManifest m : pipeline.manifests()) outputs.add(new ModelOutputs(m, config.publishOverlay()));
        ArenaPlan plan = pipeline.session().plan();
        LOG.info("arena {} bytes for {} (minimum {} bytes, {} resident layers)", plan.arenaBytes(), modelNames(), plan.minimumBytes(),
                plan.residentLayerCount());
        for (String camera : cameras()) {
            String ns = config.perCameraOutputs() ? cameraNamespace(camera) : null;
            outputTopics.put(camera, ns == null ? args::resolveTopic : name -> args.resolveTopic(ns + "/" + name));
        }
    }

    /** The models' names, in the order they run. */
    public List<String> modelNames() {
        return pipeline.modelNames();
    }

    /** The camera topics, resolved (namespace, remaps), in parameter order. */
    public List<String> cameras() {
        return config.imageTopics().stream().map(args::resolveTopic).distinct().toList();
    }

    public static boolean isCompressed(String cameraTopic) {
        return cameraTopic.endsWith("/compressed");
    }

    /** The ROS type a camera topic carries: CompressedImage for names ending in /compressed, else Image. */
    public static String cameraType(String cameraTopic) {
        return isCompressed(cameraTopic) ? SensorMsgs.CompressedImage.TYPE : SensorMsgs.Image.TYPE;
    }

    /** "/front/image_raw" and "/front/image_raw/compressed" -> "/front"; "/image_raw" -> "" (outputs at the root). */
    static String cameraNamespace(String cameraTopic) {
        String t = isCompressed(cameraTopic) ? cameraTopic.substring(0, cameraTopic.length() - "/compressed".length()) : cameraTopic;
        return t.substring(0, Math.max(0, t.lastIndexOf('/')));
    }

    /** Declares every output topic (each model's, per camera when asked, and /diagnostics). */
    public void advertise(MessageSink target) {
        MessageSink sink = guard.around(target);
        Set<String> declared = new HashSet<>();
        MessageSink once = new MessageSink() {
            @Override
            public void advertise(String topic, String type, Qos qos, int maxBytes) {
                if (declared.add(topic)) sink.advertise(topic, type, qos, maxBytes);
            }

            @Override
            public void publish(String topic, byte[] cdr, long logNanos) {
                sink.publish(topic, cdr, logNanos);
            }
        };
        for (UnaryOperator<String> topic : outputTopics.values()) {
            for (ModelOutputs o : outputs) o.advertise(once, topic);
        }
        once.advertise(DIAGNOSTICS_TOPIC, DiagnosticMsgs.DiagnosticArray.TYPE, Qos.RELIABLE, 1 << 20);
    }

    /** Every output topic name with its ROS type, as {@link #advertise} declares them. */
    public Map<String, String> outputTopicTypes() {
        Map<String, String> out = new LinkedHashMap<>();
        advertise(new MessageSink() {
            @Override
            public void advertise(String topic, String type, Qos qos, int maxBytes) {
                out.put(topic, type);
            }

            @Override
            public void publish(String topic, byte[] cdr, long logNanos) {
            }
        });
        return out;
    }

    /**
     * Decodes one camera message; a malformed one (bad CDR, unsupported encoding, wrong data length, an image
     * that does not decode) is counted as invalid and reported by the exception's message.
     */
    public CameraFrame decode(String camera, byte[] cdr, long receivedNanos) {
        return decode(camera, isCompressed(camera), cdr, receivedNanos);
    }

    /** As {@link #decode(String, byte[], long)}, with the message type given (a bag says it per topic). */
    public CameraFrame decode(String camera, boolean compressed, byte[] cdr, long receivedNanos) {
        try {
            if (compressed) {
                SensorMsgs.CompressedImage m = SensorMsgs.CompressedImage.decode(cdr);
                return new CameraFrame(camera, m.header(), ImageDecoder.decode(m, config.maxImagePixels()), receivedNanos);
            }
            SensorMsgs.Image m = SensorMsgs.Image.decode(cdr);
            return new CameraFrame(camera, m.header(), ImageDecoder.decode(m, config.maxImagePixels()), receivedNanos);
        } catch (RuntimeException | OutOfMemoryError e) {
            synchronized (this) {
                invalid++;
            }
            throw e;
        }
    }

    /**
     * Runs every model on the frame and publishes their outputs and the diagnostics; {@code dropped}: frames dropped per camera so far.
     * A frame that fails (inference, a head, publishing) is logged once per kind, counted in {@code failed_frames}, reported with an
     * ERROR diagnostic and returned as failed: the next frame is served as usual. Only a fault that leaves the models unable to run
     * ({@link ModelSession.Unrecoverable}) is thrown, after its ERROR diagnostic.
     */
    public Processed process(CameraFrame f, MessageSink out, Map<String, Long> dropped) {
        MessageSink sink = guard.around(out);
        long droppedTotal = dropped.values().stream().mapToLong(Long::longValue).sum();
        Pipeline.Frame r;
        try {
            r = pipeline.run(f.image());
        } catch (ModelSession.Unrecoverable e) {
            String line = failures.record("inference", e);
            failedFrame(f, sink, line, droppedTotal);
            throw e;
        } catch (RuntimeException | OutOfMemoryError e) {
            return failedFrame(f, sink, failures.record("inference", e), droppedTotal);
        }
        UnaryOperator<String> topic = outputTopics.getOrDefault(f.camera(), args::resolveTopic);
        List<String> summaries = new ArrayList<>();
        String headError = null;
        for (int i = 0; i < outputs.size(); i++) {
            ModelResult result = r.results().get(i);
            if (result instanceof ModelResult.Failed failed) {
                headError = failures.record(result.model() + " head", failed.error());
                summaries.add("failed: " + headError);
                continue;
            }
            try {
                summaries.add(outputs.get(i).publish(sink, topic, f.header(), f.image(), result));
            } catch (RuntimeException | OutOfMemoryError e) {
                headError = failures.record(result.model() + " head", e);
                summaries.add("failed: " + headError);
            }
        }
        double endToEnd = (System.currentTimeMillis() * 1_000_000L - f.header().stamp().toNanos()) / 1e6;
        double sinceReceipt = (System.nanoTime() - f.receivedNanos()) / 1e6;
        boolean missed = sinceReceipt > config.deadlineMs();
        long n;
        synchronized (this) {
            n = ++frames;
            if (missed) late++;
        }
        if (headError != null) countFailure(headError);
        sink.publish(DIAGNOSTICS_TOPIC, diagnostics(f, r.stats(), summaries, endToEnd, sinceReceipt, missed, droppedTotal, headError).encode(),
                System.currentTimeMillis() * 1_000_000L);
        long every = config.logEveryNFrames();
        if (every > 0 && n % every == 0) {
            FrameStats s = r.stats();
            LOG.info("frame {} ({}): {} ms (stall {} ms), peak {} of {} bytes, read {} bytes, dropped {}, {}", n, f.camera(), fmt(s.latencyMs()),
                    fmt(s.stallMs()), s.peakBytes(), s.arenaBytes(), s.bytesRead(), droppedTotal, String.join("; ", summaries));
        }
        return new Processed(f, r.stats(), sinceReceipt, endToEnd, missed, summaries, headError);
    }

    /** Counts a frame that produced no outputs and reports it with an ERROR diagnostic. */
    private Processed failedFrame(CameraFrame f, MessageSink sink, String error, long droppedTotal) {
        countFailure(error);
        try {
            Map<String, String> kv = counters(f, droppedTotal);
            sink.publish(DIAGNOSTICS_TOPIC, new DiagnosticMsgs.DiagnosticArray(new StdMsgs.Header(f.header().stamp(), f.header().frameId()),
                    List.of(status(DiagnosticMsgs.ERROR, args.nodeName() + ": arena", error, kv))).encode(), System.currentTimeMillis() * 1_000_000L);
        } catch (RuntimeException e) {
            LOG.warn("the ERROR diagnostic for a failed frame could not be published: {}", e.getMessage());
        }
        return new Processed(f, null, (System.nanoTime() - f.receivedNanos()) / 1e6, Double.NaN, false, List.of(), error);
    }

    private synchronized void countFailure(String error) {
        failed++;
        lastError = error;
    }

    /** Frames that failed (inference, a head, or publishing) so far. */
    public synchronized long failedFrames() {
        return failed;
    }

    /** Outputs skipped because they were too large for their topic or could not be published. */
    public long skippedOutputs() {
        return guard.skipped();
    }

    /** How often a damaged pack was re-packed while running. */
    public int repacks() {
        return pipeline.repacks();
    }

    public synchronized long invalidFrames() {
        return invalid;
    }

    public String backendName() {
        return pipeline.backendName();
    }

    public Session session() {
        return pipeline.session();
    }

    private DiagnosticMsgs.DiagnosticArray diagnostics(CameraFrame f, FrameStats s, List<String> summaries, double endToEnd,
                                                       double sinceReceipt, boolean missed, long dropped, String headError) {
        List<DiagnosticMsgs.DiagnosticStatus> status = new ArrayList<>();
        Session session = pipeline.session();
        Map<String, String> arena = new LinkedHashMap<>();
        arena.put("camera", f.camera());
        arena.put("backend", pipeline.backendName());
        arena.put("direct_io", Boolean.toString(session.directIo()));
        arena.put("weight_precision", session.plan().weights().label());
        arena.put("arena_bytes", Long.toString(s.arenaBytes()));
        arena.put("peak_bytes", Long.toString(s.peakBytes()));
        arena.put("resident_weight_bytes", Long.toString(s.residentWeightBytes()));
        arena.put("streamed_weight_bytes", Long.toString(s.streamedWeightBytes()));
        arena.put("bytes_read", Long.toString(s.bytesRead()));
        arena.put("frame_latency_ms", fmt(s.latencyMs()));
        arena.put("stall_ms", fmt(s.stallMs()));
        arena.put("end_to_end_ms", fmt(endToEnd));
        arena.put("since_receipt_ms", fmt(sinceReceipt));
        arena.put("deadline_ms", fmt(config.deadlineMs()));
        Map<String, String> counts = counters(f, dropped);
        counts.remove("camera"); // already first
        arena.putAll(counts);
        String name = args.nodeName();
        int level = headError != null ? DiagnosticMsgs.ERROR : missed ? DiagnosticMsgs.WARN : DiagnosticMsgs.OK;
        status.add(status(level, name + ": arena", headError != null ? headError : missed ? "frame missed its deadline" : "ok", arena));
        List<String> names = pipeline.modelNames();
        for (int i = 0; i < names.size(); i++) {
            final int model = i;
            double stall = s.layers().stream().filter(l -> l.model() == model).mapToDouble(LayerStats::waitMs).sum();
            long read = s.layers().stream().filter(l -> l.model() == model).mapToLong(LayerStats::bytesRead).sum();
            Map<String, String> kv = new LinkedHashMap<>();
            kv.put("latency_ms", fmt(s.modelLatencyMs()[i]));
            kv.put("stall_ms", fmt(stall));
            kv.put("bytes_read", Long.toString(read));
            kv.put("result", summaries.get(i));
            boolean bad = summaries.get(i).startsWith("failed: ");
            status.add(status(bad ? DiagnosticMsgs.ERROR : DiagnosticMsgs.OK, name + ": " + names.get(i), summaries.get(i), kv));
        }
        return new DiagnosticMsgs.DiagnosticArray(new StdMsgs.Header(f.header().stamp(), f.header().frameId()), status);
    }

    /** The running counts every diagnostic carries, failed frames or not. */
    private Map<String, String> counters(CameraFrame f, long dropped) {
        Map<String, String> kv = new LinkedHashMap<>();
        kv.put("camera", f.camera());
        synchronized (this) {
            kv.put("frames", Long.toString(frames));
            kv.put("late_frames", Long.toString(late));
            kv.put("invalid_frames", Long.toString(invalid));
            kv.put("failed_frames", Long.toString(failed));
            kv.put("last_error", lastError);
        }
        kv.put("dropped_frames", Long.toString(dropped));
        kv.put("skipped_outputs", Long.toString(guard.skipped()));
        kv.put("repacks", Integer.toString(pipeline.repacks()));
        return kv;
    }

    private static DiagnosticMsgs.DiagnosticStatus status(int level, String name, String message, Map<String, String> kv) {
        List<DiagnosticMsgs.KeyValue> values = new ArrayList<>();
        kv.forEach((k, v) -> values.add(new DiagnosticMsgs.KeyValue(k, v)));
        return new DiagnosticMsgs.DiagnosticStatus(level, name, message, "demand_layering", values);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    @Override
    public void close() {
        pipeline.close();
    }
}
