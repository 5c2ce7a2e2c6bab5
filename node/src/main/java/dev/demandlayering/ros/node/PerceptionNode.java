package dev.demandlayering.ros.node;

import dev.demandlayering.models.ModelCatalog;
import dev.demandlayering.models.ModelManifest;
import dev.demandlayering.perception.Preprocessor;
import dev.demandlayering.perception.RgbImage;
import dev.demandlayering.runtime.Backends;
import dev.demandlayering.runtime.ModelImporter;
import dev.demandlayering.runtime.Session;
import dev.demandlayering.runtime.exec.Engine;
import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.exec.FrameStats;
import dev.demandlayering.runtime.exec.LayerStats;
import dev.demandlayering.runtime.pack.PackFile;
import dev.demandlayering.runtime.plan.ResidencyMode;
import dev.demandlayering.ros.dds.FastDdsTransport;
import dev.demandlayering.ros.dds.Qos;
import dev.demandlayering.ros.dds.RosTransport;
import dev.demandlayering.ros.msg.DiagnosticMsgs;
import dev.demandlayering.ros.msg.SensorMsgs;
import dev.demandlayering.ros.msg.StdMsgs;
import dev.demandlayering.ros.params.NodeParameters;
import dev.demandlayering.ros.params.RosArgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ROS 2 perception node: camera topics in; per model, detections or masks out; per frame, diagnostics
 * with the arena's memory and where the time went. Frames arrive on transport threads and wait in a
 * one-slot mailbox (the newest wins, drops are counted); one inference thread runs every model on each
 * frame through one {@link Session}, whose arena all models share.
 */
public final class PerceptionNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PerceptionNode.class);

    /** A decoded camera frame and when it arrived. */
    private record Frame(StdMsgs.Header header, RgbImage image, long receivedNanos) {
    }

    private final Map<String, Object> params;
    private final RosArgs args;
    private final List<ModelManifest> manifests = new ArrayList<>();
    private final List<ModelOutputs> outputs = new ArrayList<>();
    private final Session session;
    private final String backendName;
    private final RosTransport transport;
    private final RosTransport.Publisher diagnostics;
    private final LatestFrame<Frame> mailbox = new LatestFrame<>();
    private final Thread worker;
    private long frames, invalid, late;

    /**
     * Plans and opens the models first, so a bad model, manifest or arena size stops the node before it
     * joins the DDS domain; {@code transport} is created only then.
     */
    public PerceptionNode(RosArgs args, Map<String, Object> params, ModelCatalog catalog, java.util.function.Supplier<RosTransport> transport)
            throws IOException {
        this.args = args;
        this.params = params;
        List<PackFile> packs = new ArrayList<>();
        Path packDir = Files.createDirectories(catalog.packDir());
        @SuppressWarnings("unchecked")
        List<String> models = (List<String>) params.get("models");
        for (String name : models) {
            ModelManifest m = catalog.manifest(name);
            Path pack = packDir.resolve(name + ".dlp");
            ModelImporter.pack(catalog.modelFile(m), pack, false);
            packs.add(PackFile.open(pack));
            manifests.add(m);
        }
        Backends.Choice backend = Backends.select((String) params.get("backend"));
        backendName = backend.backend().name();
        LOG.info("{}", backend.reason());
        ResidencyMode mode = ResidencyMode.valueOf(((String) params.get("residency")).toUpperCase());
        long arena = (Long) params.get("arena_size");
        if (mode == ResidencyMode.AUTO && arena == 0) mode = ResidencyMode.NONE;
        session = Session.open(packs, new Session.Options(arena, mode, true, Engine.Options.defaults(), 2, null), backend.backend());
        LOG.info("arena {} bytes for {} (minimum {} bytes, {} resident layers)", session.plan().arenaBytes(), models,
                session.plan().minimumBytes(), session.plan().residentLayerCount());
        try {
            this.transport = transport.get();
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        for (ModelManifest m : manifests) outputs.add(new ModelOutputs(m, this.transport, args::resolveTopic, params));
        diagnostics = this.transport.advertise("/diagnostics", DiagnosticMsgs.DiagnosticArray.TYPE, Qos.RELIABLE, 1 << 20);
        Qos qos = new Qos(params.get("qos.reliability").equals("reliable"), (int) (long) (Long) params.get("qos.depth"));
        @SuppressWarnings("unchecked")
        List<String> topics = (List<String>) params.get("image_topics");
        for (String t : topics) subscribe(args.resolveTopic(t), qos);
        worker = new Thread(this::loop, "dlayer-inference");
        worker.start();
    }

    private void subscribe(String topic, Qos qos) {
        boolean compressed = topic.endsWith("/compressed");
        String type = compressed ? SensorMsgs.CompressedImage.TYPE : SensorMsgs.Image.TYPE;
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        transport.subscribe(topic, type, qos, 64 << 20, bytes -> {
            long now = System.nanoTime();
            try {
                Frame f;
                if (compressed) {
                    SensorMsgs.CompressedImage m = SensorMsgs.CompressedImage.decode(bytes);
                    f = new Frame(m.header(), ImageDecoder.decode(m), now);
                } else {
                    SensorMsgs.Image m = SensorMsgs.Image.decode(bytes);
                    f = new Frame(m.header(), ImageDecoder.decode(m), now);
                }
                if (first.getAndSet(false)) {
                    LOG.info("{}: first frame, {}x{} from '{}'", topic, f.image().width(), f.image().height(), f.header().frameId());
                }
                mailbox.offer(f);
            } catch (RuntimeException e) {
                synchronized (this) {
                    invalid++;
                }
                LOG.warn("{}: frame skipped: {}", topic, e.getMessage());
            }
        });
        LOG.info("subscribed to {} ({}, {}, depth {})", topic, compressed ? "sensor_msgs/CompressedImage" : "sensor_msgs/Image",
                qos.reliable() ? "reliable" : "best effort", qos.depth());
    }

    private void loop() {
        try {
            Frame f;
            while ((f = mailbox.take()) != null) process(f);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("inference stopped: {}", e.getMessage(), e);
        }
    }

    private void process(Frame f) {
        List<Map<String, float[]>> inputs = new ArrayList<>();
        for (ModelManifest m : manifests) inputs.add(Map.of(m.inputName(), Preprocessor.toTensor(f.image(), m.inputShape(), m.preprocessing())));
        FrameResult r = session.run(inputs);
        List<String> summaries = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) summaries.add(outputs.get(i).publish(f.header(), f.image(), r.outputs().get(i)));
        double endToEnd = (System.currentTimeMillis() * 1_000_000L - f.header().stamp().toNanos()) / 1e6;
        double sinceReceipt = (System.nanoTime() - f.receivedNanos()) / 1e6;
        boolean missed = sinceReceipt > (Double) params.get("deadline_ms");
        long n;
        synchronized (this) {
            n = ++frames;
            if (missed) late++;
        }
        diagnostics.publish(diagnostics(f.header(), r.stats(), summaries, endToEnd, sinceReceipt, missed).encode());
        long every = (Long) params.get("log_every_n_frames");
        if (every > 0 && n % every == 0) {
            FrameStats s = r.stats();
            LOG.info("frame {}: {} ms (stall {} ms), peak {} of {} bytes, read {} bytes, dropped {}, {}", n, fmt(s.latencyMs()), fmt(s.stallMs()),
                    s.peakBytes(), s.arenaBytes(), s.bytesRead(), mailbox.dropped(), String.join("; ", summaries));
        }
    }

    private DiagnosticMsgs.DiagnosticArray diagnostics(StdMsgs.Header header, FrameStats s, List<String> summaries, double endToEnd,
                                                       double sinceReceipt, boolean missed) {
        List<DiagnosticMsgs.DiagnosticStatus> status = new ArrayList<>();
        Map<String, String> arena = new LinkedHashMap<>();
        arena.put("backend", backendName);
        arena.put("direct_io", Boolean.toString(session.directIo()));
        arena.put("arena_bytes", Long.toString(s.arenaBytes()));
        arena.put("peak_bytes", Long.toString(s.peakBytes()));
        arena.put("resident_weight_bytes", Long.toString(s.residentWeightBytes()));
        arena.put("streamed_weight_bytes", Long.toString(s.streamedWeightBytes()));
        arena.put("bytes_read", Long.toString(s.bytesRead()));
        arena.put("frame_latency_ms", fmt(s.latencyMs()));
        arena.put("stall_ms", fmt(s.stallMs()));
        arena.put("end_to_end_ms", fmt(endToEnd));
        arena.put("since_receipt_ms", fmt(sinceReceipt));
        arena.put("deadline_ms", fmt((Double) params.get("deadline_ms")));
        synchronized (this) {
            arena.put("frames", Long.toString(frames));
            arena.put("late_frames", Long.toString(late));
            arena.put("invalid_frames", Long.toString(invalid));
        }
        arena.put("dropped_frames", Long.toString(mailbox.dropped()));
        String name = args.nodeName();
        status.add(status(missed ? DiagnosticMsgs.WARN : DiagnosticMsgs.OK, name + ": arena",
                missed ? "frame missed its deadline" : "ok", arena));
        for (int i = 0; i < manifests.size(); i++) {
            final int model = i;
            double stall = s.layers().stream().filter(l -> l.model() == model).mapToDouble(LayerStats::waitMs).sum();
            long read = s.layers().stream().filter(l -> l.model() == model).mapToLong(LayerStats::bytesRead).sum();
            Map<String, String> kv = new LinkedHashMap<>();
            kv.put("latency_ms", fmt(s.modelLatencyMs()[i]));
            kv.put("stall_ms", fmt(stall));
            kv.put("bytes_read", Long.toString(read));
            kv.put("result", summaries.get(i));
            status.add(status(DiagnosticMsgs.OK, name + ": " + manifests.get(i).name(), summaries.get(i), kv));
        }
        return new DiagnosticMsgs.DiagnosticArray(new StdMsgs.Header(header.stamp(), header.frameId()), status);
    }

    private static DiagnosticMsgs.DiagnosticStatus status(int level, String name, String message, Map<String, String> kv) {
        List<DiagnosticMsgs.KeyValue> values = new ArrayList<>();
        kv.forEach((k, v) -> values.add(new DiagnosticMsgs.KeyValue(k, v)));
        return new DiagnosticMsgs.DiagnosticStatus(level, name, message, "demand_layering", values);
    }

    private static String fmt(double v) {
        return String.format("%.2f", v);
    }

    /** Runs the node until the process is stopped: {@code dlayer node --ros-args ...}. */
    public static void main(String[] argv) throws Exception {
        RosArgs args = RosArgs.parse(argv, NodeParameters.DEFAULT_NODE_NAME);
        Map<String, Object> params = NodeParameters.gather(args);
        String domainText = System.getenv().getOrDefault("ROS_DOMAIN_ID", "0").trim();
        int domain;
        try {
            domain = domainText.isEmpty() ? 0 : Integer.parseInt(domainText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ROS_DOMAIN_ID must be an integer 0..232, got '" + domainText + "'");
        }
        PerceptionNode node = new PerceptionNode(args, params, ModelCatalog.fromEnvironment(), () -> new FastDdsTransport(domain, args.nodeName()));
        LOG.info("node {} running", args.fullyQualifiedName());
        Runtime.getRuntime().addShutdownHook(new Thread(node::close));
        node.worker.join();
    }

    @Override
    public void close() {
        mailbox.close();
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        session.close();
        transport.close();
    }
}
