package dev.demandlayering.ros.node;

import dev.demandlayering.models.ModelCatalog;
import dev.demandlayering.models.ModelManifest;
import dev.demandlayering.models.ModelSession;
import dev.demandlayering.perception.ModelResult;
import dev.demandlayering.perception.PerceptionConfig;
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
 * mask and the frame's figures ({@code ~/frame_stats}) to a {@link MessageSink}, and the period's /diagnostics
 * ({@link PeriodDiagnostics}) when one is due on the node's clock. Not thread-safe for {@link #process}: one
 * inference thread calls it; {@link #decode} may run on transport threads.
 */
public final class FrameProcessor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FrameProcessor.class);
    public static final String DIAGNOSTICS_TOPIC = "/diagnostics";
    /** Every frame's figures (what /diagnostics sums up per period), under the node's name. */
    public static final String FRAME_STATS = "frame_stats";
    static final String HARDWARE_ID = "demand_layering";

    /** One processed frame's figures (the replay report is built from these). */
    public record Processed(CameraFrame frame, FrameStats stats, double sinceReceiptMs, double endToEndMs, boolean missedDeadline,
                            List<String> summaries, String error) {
        /** True when the frame produced no outputs (its stats are null); {@link #error} says why. */
        public boolean failed() {
            return stats == null;
        }
    }

    private final NodeConfig config;
    /** What set_parameters may change between frames; the inference thread takes a new one at the next frame. */
    private volatile NodeConfig live;
    private NodeConfig applied;
    private final RosArgs args;
    private final List<ModelOutputs> outputs = new ArrayList<>();
    private final Map<String, UnaryOperator<String>> outputTopics = new LinkedHashMap<>();
    private volatile Pipeline pipeline; // replaced between frames when the arena is re-planned (set_parameters)
    private volatile long minimumBytes; // the plan's minimum, for set_parameters' check on its own thread
    private final ModelCatalog catalog;
    private final FailureLog failures = new FailureLog(LOG);
    private final OutputGuard guard = new OutputGuard();
    private long frames, invalid, late, failed;
    private String lastError = "";
    private final NodeClock clock;
    private final PeriodDiagnostics period;
    private volatile String fault;

    /** Plans and opens the models: a bad model, manifest or arena size fails here, before any transport starts. */
    public FrameProcessor(RosArgs args, Map<String, Object> params, ModelCatalog catalog) throws IOException {
        this(args, NodeConfig.from(params), catalog);
    }

    public FrameProcessor(RosArgs args, NodeConfig config, ModelCatalog catalog) throws IOException {
        this.args = args;
        this.config = config;
        this.catalog = catalog;
        this.pipeline = Pipeline.open(config.perception(), catalog);
        this.minimumBytes = pipeline.session().plan().minimumBytes();
        this.live = this.applied = config;
        LOG.info("{}", pipeline.backendReason());
        for (ModelManifest m : pipeline.manifests()) outputs.add(new ModelOutputs(m, config.publishOverlay(), config.publishDebugImage()));
        ArenaPlan plan = pipeline.session().plan();
        LOG.info("arena {} bytes for {} (minimum {} bytes, {} resident layers)", plan.arenaBytes(), modelNames(), plan.minimumBytes(),
                plan.residentLayerCount());
        for (String camera : cameras()) {
            String ns = config.perCameraOutputs() ? cameraNamespace(camera) : null;
            outputTopics.put(camera, ns == null ? this::nodeTopic : name -> args.resolveTopic(ns + "/" + name));
        }
        clock = config.useSimTime() ? NodeClock.simulated() : NodeClock.system();
        period = new PeriodDiagnostics(args.nodeName(), HARDWARE_ID, cameras(), modelNames(), config.deadlineMs(), config.diagnosticsPeriodS());
    }

    /**
     * New parameter values (the whole validated set) for what changes between frames: the heads' thresholds, the
     * deadline, the log rate. The next frame uses them; nothing else changes.
     */
    public void update(Map<String, Object> params) {
        live = NodeConfig.from(params);
    }

    /**
     * Why a new set of parameters cannot be planned, or null: an arena below the minimum the current plan states (the
     * models and precision cannot change while running, so that minimum holds for any residency).
     */
    public String checkPlan(Map<String, Object> params) {
        long arena = NodeConfig.from(params).perception().arenaSize();
        long minimum = minimumBytes;
        if (arena != 0 && arena < minimum) {
            return "arena_size " + arena + " bytes is below the minimum of " + minimum + " bytes for " + modelNames() + " (0 = the minimum)";
        }
        return null;
    }

    private void takeLiveSettings() {
        NodeConfig next = live;
        if (next == applied) return;
        PerceptionConfig now = applied.perception(), then = next.perception();
        if (then.arenaSize() != now.arenaSize() || then.residency() != now.residency()) replan(then);
        else if (!then.heads().equals(now.heads())) pipeline.heads(then.heads());
        if (next.deadlineMs() != applied.deadlineMs()) period.deadline(next.deadlineMs());
        if (next.diagnosticsPeriodS() != applied.diagnosticsPeriodS()) period.period(next.diagnosticsPeriodS());
        LOG.info("parameters changed: {}, deadline {} ms, a summary every {} frames", next.perception().heads(), next.deadlineMs(), next.logEveryNFrames());
        applied = next;
    }

    /**
     * The arena planned again for a new size or residency, between frames: the old arena is released first (two would
     * not fit where memory is tight), then the models opened in the new plan; if that fails, in the old one again.
     */
    private void replan(PerceptionConfig then) {
        PerceptionConfig before = applied.perception();
        long started = System.nanoTime();
        pipeline.close();
        try {
            pipeline = Pipeline.open(then, catalog);
            ArenaPlan plan = pipeline.session().plan();
            LOG.info("arena re-planned in {} ms: {} bytes, residency {}, {} resident layers", fmt((System.nanoTime() - started) / 1e6), plan.arenaBytes(),
                    then.residency().name().toLowerCase(Locale.ROOT), plan.residentLayerCount());
        } catch (IOException | RuntimeException e) {
            LOG.error("re-planning the arena failed ({}); the models run in the plan before", e.getMessage());
            try {
                pipeline = Pipeline.open(before, catalog);
            } catch (IOException again) {
                throw new java.io.UncheckedIOException("the models cannot be opened again after a failed re-plan", again);
            }
        }
    }

    /** The node's clock: the system's, or with use_sim_time the one /clock (or a replay) sets. */
    public NodeClock clock() {
        return clock;
    }

    /**
     * Publishes the period's /diagnostics when one is due on the node's clock (a timer calls this about 10 times a
     * period, and every frame does); {@code now} forces one, as when the node is about to stop.
     */
    public void publishDiagnostics(MessageSink out, boolean now) {
        synchronized (period) { // the timer and the inference thread both call this; one writer, one at a time
            publishDue(out, now);
        }
    }

    private void publishDue(MessageSink out, boolean now) {
        long t = clock.nowNanos();
        DiagnosticMsgs.DiagnosticArray d = period.due(t, arenaFigures(), fault, now);
        if (d == null) return;
        try {
            guard.around(out).publish(DIAGNOSTICS_TOPIC, d.encode(), System.currentTimeMillis() * 1_000_000L);
        } catch (RuntimeException e) {
            LOG.warn("/diagnostics could not be published: {}", e.getMessage());
        }
    }

    /** The shared arena's figures now, for the period's arena status. */
    private Map<String, String> arenaFigures() {
        Session session = pipeline.session();
        Map<String, String> a = new LinkedHashMap<>();
        a.put("backend", pipeline.backendName());
        if (session == null) return a; // the models are gone (the fault says why)
        ArenaPlan plan = session.plan();
        a.put("direct_io", Boolean.toString(session.directIo()));
        a.put("weight_precision", plan.weights().label());
        a.put("arena_bytes", Long.toString(plan.arenaBytes()));
        a.put("minimum_bytes", Long.toString(plan.minimumBytes()));
        a.put("resident_layers", Integer.toString(plan.residentLayerCount()));
        a.put("repacks", Integer.toString(pipeline.repacks()));
        a.put("skipped_outputs", Long.toString(guard.skipped()));
        return a;
    }

    /**
     * An output under the node's own name, as rclcpp perception nodes publish theirs ({@code ~/nanodet/detections} is
     * {@code /robot/perception/nanodet/detections}), so two instances in one namespace do not collide and each output
     * can be remapped ({@code -r ~/nanodet/detections:=/objects}).
     */
    private String nodeTopic(String name) {
        return args.resolveTopic("~/" + name);
    }

    /** The models' names, in the order they run. */
    public List<String> modelNames() {
        return pipeline.modelNames();
    }

    /** The camera topics, resolved (namespace, remaps), in parameter order. */
    public List<String> cameras() {
        return config.imageTopics().stream().map(t -> resolveCamera(args, t)).distinct().toList();
    }

    /**
     * A camera topic resolved as image_transport resolves one: a name ending in /compressed is its base topic
     * resolved (so {@code -r image_raw:=/front/image} also moves {@code image_raw/compressed}), then the transport.
     */
    public static String resolveCamera(RosArgs args, String topic) {
        if (!isCompressed(topic) || topic.equals("/compressed")) return args.resolveTopic(topic);
        String base = topic.substring(0, topic.length() - "/compressed".length());
        return args.resolveTopic(base) + "/compressed";
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

    /** Declares every output topic (each model's, per camera when asked, ~/frame_stats and /diagnostics). */
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
        once.advertise(nodeTopic(FRAME_STATS), DiagnosticMsgs.DiagnosticArray.TYPE, Qos.RELIABLE, 1 << 20);
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
            period.invalid(camera);
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
        takeLiveSettings();
        MessageSink sink = guard.around(out);
        long droppedTotal = dropped.values().stream().mapToLong(Long::longValue).sum();
        Pipeline.Frame r;
        try {
            r = pipeline.run(f.image());
        } catch (ModelSession.Unrecoverable e) {
            String line = failures.record("inference", e);
            failedFrame(f, sink, line, dropped);
            fault = "inference stopped: " + line;
            publishDiagnostics(out, true);
            throw e;
        } catch (RuntimeException | OutOfMemoryError e) {
            return failedFrame(f, sink, failures.record("inference", e), dropped);
        }
        UnaryOperator<String> topic = outputTopics.getOrDefault(f.camera(), this::nodeTopic);
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
        long now = clock.nowNanos();
        double endToEnd = now == NodeClock.UNKNOWN ? Double.NaN : (now - f.header().stamp().toNanos()) / 1e6;
        double sinceReceipt = (System.nanoTime() - f.receivedNanos()) / 1e6;
        boolean missed = sinceReceipt > applied.deadlineMs();
        long n;
        synchronized (this) {
            n = ++frames;
            if (missed) late++;
        }
        if (headError != null) countFailure(headError);
        FrameStats s = r.stats();
        int nModels = summaries.size();
        double[] modelStall = new double[nModels];
        long[] modelRead = new long[nModels];
        for (LayerStats l : s.layers()) {
            modelStall[l.model()] += l.waitMs();
            modelRead[l.model()] += l.bytesRead();
        }
        sink.publish(nodeTopic(FRAME_STATS), frameStats(f, s, summaries, modelStall, modelRead, endToEnd, sinceReceipt, missed, droppedTotal, headError)
                .encode(), System.currentTimeMillis() * 1_000_000L);
        Processed done = new Processed(f, s, sinceReceipt, endToEnd, missed, summaries, headError);
        period.frame(done, s.modelLatencyMs(), modelStall, modelRead, dropped.getOrDefault(f.camera(), 0L));
        publishDiagnostics(out, false);
        long every = applied.logEveryNFrames();
        if (every > 0 && n % every == 0) {
            LOG.info("frame {} ({}): {} ms (stall {} ms), peak {} of {} bytes, read {} bytes, dropped {}, {}", n, f.camera(), fmt(s.latencyMs()),
                    fmt(s.stallMs()), s.peakBytes(), s.arenaBytes(), s.bytesRead(), droppedTotal, String.join("; ", summaries));
        }
        return done;
    }

    /** Counts a frame that produced no outputs and reports it with an ERROR status, in its frame_stats and the period's. */
    private Processed failedFrame(CameraFrame f, MessageSink sink, String error, Map<String, Long> dropped) {
        countFailure(error);
        long droppedTotal = dropped.values().stream().mapToLong(Long::longValue).sum();
        try {
            Map<String, String> kv = counters(f, droppedTotal);
            sink.publish(nodeTopic(FRAME_STATS), new DiagnosticMsgs.DiagnosticArray(new StdMsgs.Header(f.header().stamp(), f.header().frameId()),
                    List.of(status(DiagnosticMsgs.ERROR, args.nodeName() + ": arena", error, kv))).encode(), System.currentTimeMillis() * 1_000_000L);
        } catch (RuntimeException e) {
            LOG.warn("the ERROR status of a failed frame could not be published: {}", e.getMessage());
        }
        Processed failedOne = new Processed(f, null, (System.nanoTime() - f.receivedNanos()) / 1e6, Double.NaN, false, List.of(), error);
        period.frame(failedOne, null, null, null, dropped.getOrDefault(f.camera(), 0L));
        publishDiagnostics(sink, false);
        return failedOne;
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

    private DiagnosticMsgs.DiagnosticArray frameStats(CameraFrame f, FrameStats s, List<String> summaries, double[] modelStall, long[] modelRead,
                                                      double endToEnd, double sinceReceipt, boolean missed, long dropped, String headError) {
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
        arena.put("deadline_ms", fmt(applied.deadlineMs()));
        Map<String, String> counts = counters(f, dropped);
        counts.remove("camera"); // already first
        arena.putAll(counts);
        String name = args.nodeName();
        int level = headError != null ? DiagnosticMsgs.ERROR : missed ? DiagnosticMsgs.WARN : DiagnosticMsgs.OK;
        status.add(status(level, name + ": arena", headError != null ? headError : missed ? "frame missed its deadline" : "ok", arena));
        List<String> names = pipeline.modelNames();
        for (int i = 0; i < names.size(); i++) {
            Map<String, String> kv = new LinkedHashMap<>();
            kv.put("latency_ms", fmt(s.modelLatencyMs()[i]));
            kv.put("stall_ms", fmt(modelStall[i]));
            kv.put("bytes_read", Long.toString(modelRead[i]));
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
        return new DiagnosticMsgs.DiagnosticStatus(level, name, message, HARDWARE_ID, values);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    @Override
    public void close() {
        pipeline.close();
    }
}
