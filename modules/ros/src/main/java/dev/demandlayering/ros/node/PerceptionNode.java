package dev.demandlayering.ros.node;

import dev.demandlayering.models.ModelCatalog;
import dev.demandlayering.ros.dds.DiscoveryRange;
import dev.demandlayering.ros.dds.FastDdsTransport;
import dev.demandlayering.ros.dds.Qos;
import dev.demandlayering.ros.dds.RosTransport;
import dev.demandlayering.ros.logging.RosLogging;
import dev.demandlayering.ros.msg.ParameterMsgs;
import dev.demandlayering.ros.msg.RclInterfaces;
import dev.demandlayering.ros.msg.RmwDdsCommon;
import dev.demandlayering.ros.msg.RosgraphMsgs;
import dev.demandlayering.ros.params.NodeConfig;
import dev.demandlayering.ros.params.NodeParameters;
import dev.demandlayering.ros.params.RosArgs;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live ROS 2 node: camera topics in over DDS, the {@link FrameProcessor}'s outputs back out. Frames
 * arrive on transport threads and wait in a one-slot-per-camera mailbox (the newest wins, drops are
 * counted, cameras are served in turn); one inference thread processes them.
 */
public final class PerceptionNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PerceptionNode.class);

    private final FrameProcessor processor;
    private final RosTransport transport;
    private final CameraMailbox<CameraFrame> mailbox;
    private final Thread worker;
    private volatile Throwable fatal;
    private final FailureLog skipped = new FailureLog(LOG);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ScheduledExecutorService diagnosticsTimer;
    private final GraphPresence graph;
    private RosLogging rosoutAttached;

    /**
     * Plans and opens the models first, so a bad model, manifest or arena size stops the node before it
     * joins the DDS domain; {@code transport} is created only then.
     */
    public PerceptionNode(RosArgs args, Map<String, Object> params, ModelCatalog catalog, Supplier<RosTransport> transport) throws IOException {
        NodeConfig config = NodeConfig.from(params);
        RmwDdsCommon.GidLayout gids = RmwDdsCommon.GidLayout.forDistro(config.rosDistro().isEmpty()
                ? System.getenv().getOrDefault("ROS_DISTRO", "") : config.rosDistro());
        processor = new FrameProcessor(args, config, catalog);
        try {
            this.transport = transport.get();
        } catch (RuntimeException e) {
            processor.close();
            throw e;
        }
        graph = new GraphPresence(this.transport, gids, args.namespace(), args.nodeName());
        attachRosout(args);
        mailbox = new CameraMailbox<>(processor.cameras());
        if (processor.clock().isSimulated()) subscribeClock(processor.clock());
        Qos qos = new Qos(config.qosReliable(), config.qosDepth());
        for (String camera : processor.cameras()) subscribe(camera, qos);
        TransportSink sink = new TransportSink(this.transport, graph);
        processor.advertise(sink);
        serveParameters(args, params);
        graph.publish();
        LOG.info("in the ROS graph as {} ({}-byte gids, ros_discovery_info)", args.fullyQualifiedName(), gids.bytes());
        worker = new Thread(() -> loop(sink), "dlayer-inference");
        worker.start();
        // /diagnostics go out every period whether frames come or not (diagnostic_updater's timer); ten checks a period
        long checkMillis = Math.max(20, (long) (config.diagnosticsPeriodS() * 100));
        diagnosticsTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dlayer-diagnostics");
            t.setDaemon(true);
            return t;
        });
        diagnosticsTimer.scheduleAtFixedRate(() -> {
            try {
                processor.publishDiagnostics(sink, false);
            } catch (RuntimeException e) {
                skipped.skipped("/diagnostics", FailureLog.describe(e));
            }
        }, checkMillis, checkMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * rclcpp's parameter services under the node's name ({@code /robot/perception/get_parameters}, ...) and
     * /parameter_events (reliable, keep last 1000, as rclcpp's), announcing every parameter first.
     */
    private void serveParameters(RosArgs args, Map<String, Object> params) {
        RosTransport.Publisher events = transport.advertise(ParameterMsgs.EVENTS_TOPIC, ParameterMsgs.ParameterEvent.TYPE, new Qos(true, 1000), 1 << 20);
        graph.writer(events.gid());
        applyLogLevel(args, (String) params.get("log_level"));
        ParameterServer server = new ParameterServer(NodeParameters.SCHEMA, args.fullyQualifiedName(), params, processor::checkPlan, values -> {
            processor.update(values);
            applyLogLevel(args, (String) values.get("log_level"));
        }, e -> events.publish(e.encode()), processor.clock());
        for (String service : ParameterMsgs.SERVICES) {
            List<byte[]> gids = transport.serve(args.fullyQualifiedName() + "/" + service, ParameterMsgs.serviceType(service, true),
                    ParameterMsgs.serviceType(service, false), request -> server.handle(service, request));
            graph.reader(gids.get(0));
            graph.writer(gids.get(1));
        }
        server.announce();
    }

    /** The log_level parameter: the node's logger, as --log-level NODE:=LEVEL would set it; empty leaves --log-level's. */
    private static void applyLogLevel(RosArgs args, String level) {
        RosLogging logging = RosLogging.current();
        if (logging == null || level == null || level.isEmpty()) return;
        logging.setLevel(args.loggerName(), dev.demandlayering.ros.logging.LogSeverity.parse(level));
    }

    /** The node's log lines on /rosout (rcl_interfaces/Log), unless --disable-rosout-logs; the lines of the start-up first. */
    private void attachRosout(RosArgs args) {
        RosLogging logging = RosLogging.current();
        if (!args.logging().rosout() || logging == null) return;
        RosTransport.Publisher w = transport.advertise(RclInterfaces.ROSOUT_TOPIC, RclInterfaces.Log.TYPE, Qos.ROSOUT, 64 << 10);
        if (logging.attachRosout(w::publish)) {
            graph.writer(w.gid());
            rosoutAttached = logging;
        }
    }

    /** use_sim_time: the node's clock follows /clock, as rclcpp's time source does (best effort, the newest message). */
    private void subscribeClock(NodeClock clock) {
        AtomicBoolean first = new AtomicBoolean(true);
        graph.reader(transport.subscribe(RosgraphMsgs.CLOCK_TOPIC, RosgraphMsgs.Clock.TYPE, Qos.SENSOR_DATA, 1024, bytes -> {
            try {
                long t = RosgraphMsgs.Clock.decode(bytes).clock().toNanos();
                clock.set(t);
                if (first.getAndSet(false)) LOG.info("use_sim_time: the clock follows /clock, first at {} s", t / 1e9);
            } catch (RuntimeException e) {
                skipped.skipped(RosgraphMsgs.CLOCK_TOPIC, FailureLog.describe(e));
            }
        }));
        LOG.info("use_sim_time: waiting for /clock (rosgraph_msgs/Clock); until it comes, end_to_end_ms is unknown and no /diagnostics go out");
    }

    private void subscribe(String camera, Qos qos) {
        AtomicBoolean first = new AtomicBoolean(true);
        graph.reader(transport.subscribe(camera, FrameProcessor.cameraType(camera), qos, 64 << 20, bytes -> {
            try {
                CameraFrame f = processor.decode(camera, bytes, System.nanoTime());
                if (first.getAndSet(false)) {
                    LOG.info("{}: first frame, {}x{} from '{}'", camera, f.image().width(), f.image().height(), f.header().frameId());
                }
                mailbox.offer(camera, f);
            } catch (RuntimeException | OutOfMemoryError e) {
                skipped.skipped(camera, FailureLog.describe(e));
            }
        }));
        LOG.info("subscribed to {} ({}, {}, depth {})", camera,
                FrameProcessor.isCompressed(camera) ? "sensor_msgs/CompressedImage" : "sensor_msgs/Image",
                qos.reliable() ? "reliable" : "best effort", qos.depth());
    }

    /**
     * Serves frames until the node closes. A frame that fails is the processor's to log and count; only a fault
     * that leaves the models unable to run ends the loop, and then the process must exit with a failure status
     * so that a supervisor (systemd, launch's respawn, Kubernetes) sees it.
     */
    private void loop(MessageSink sink) {
        try {
            CameraFrame f;
            while ((f = mailbox.take()) != null) processor.process(f, sink, mailbox.droppedByCamera());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (dev.demandlayering.models.ModelSession.Unrecoverable e) {
            fatal = e;
            LOG.error("inference stopped, the node exits: {}", e.getMessage()); // its cause was logged with the failure
        } catch (Throwable e) {
            fatal = e;
            LOG.error("inference stopped, the node exits: {}", e.getMessage(), e);
        }
    }


    /** Output topics as DDS writers, created once at start-up. */
    private static final class TransportSink implements MessageSink {
        private final RosTransport transport;
        private final GraphPresence graph;
        private final Map<String, RosTransport.Publisher> writers = new ConcurrentHashMap<>();

        TransportSink(RosTransport transport, GraphPresence graph) {
            this.transport = transport;
            this.graph = graph;
        }

        @Override
        public void advertise(String topic, String type, Qos qos, int maxBytes) {
            writers.computeIfAbsent(topic, t -> {
                RosTransport.Publisher w = transport.advertise(t, type, qos, maxBytes);
                graph.writer(w.gid());
                return w;
            });
        }

        @Override
        public void publish(String topic, byte[] cdr, long logNanos) {
            RosTransport.Publisher w = writers.get(topic);
            if (w == null) throw new IllegalStateException("topic " + topic + " was not advertised");
            w.publish(cdr);
        }
    }

    /**
     * Starts the node {@code dlayer node --ros-args ...} describes: parameters gathered and checked, models planned and
     * opened, then the DDS participant joined ({@code ROS_DOMAIN_ID}); it serves until {@link #close}.
     */
    public static PerceptionNode start(RosArgs args) throws Exception {
        checkSecurity(args, System.getenv());
        Map<String, Object> params = NodeParameters.gather(args);
        String domainText = System.getenv().getOrDefault("ROS_DOMAIN_ID", "0").trim();
        int domain;
        try {
            domain = domainText.isEmpty() ? 0 : Integer.parseInt(domainText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ROS_DOMAIN_ID must be an integer 0..232, got '" + domainText + "'");
        }
        DiscoveryRange discovery = DiscoveryRange.fromEnvironment(System.getenv()); // a bad value stops the node before its models load
        PerceptionNode node = new PerceptionNode(args, params, ModelCatalog.fromEnvironment(), () -> new FastDdsTransport(domain, args.nodeName(), discovery));
        LOG.info("node {} running", args.fullyQualifiedName());
        return node;
    }

    /**
     * SROS2 as rcl reads it: with {@code ROS_SECURITY_ENABLE=true} and the {@code Enforce} strategy a node that
     * cannot secure its participant must not start; with {@code Permissive} it runs unsecured, which is said. This
     * node has no DDS security plugins, so those are the two outcomes; an enclave without security enabled means nothing.
     */
    static void checkSecurity(RosArgs args, Map<String, String> env) {
        if (!"true".equalsIgnoreCase(env.getOrDefault("ROS_SECURITY_ENABLE", "").trim())) return;
        String where = args.enclave() != null ? " (enclave " + args.enclave() + ")" : "";
        if ("Enforce".equalsIgnoreCase(env.getOrDefault("ROS_SECURITY_STRATEGY", "").trim())) {
            throw new IllegalArgumentException("ROS_SECURITY_ENABLE=true with ROS_SECURITY_STRATEGY=Enforce" + where + ": this node has no DDS "
                    + "security (SROS2) and will not run unsecured; unset ROS_SECURITY_ENABLE or set ROS_SECURITY_STRATEGY=Permissive");
        }
        LOG.warn("ROS_SECURITY_ENABLE=true{}: this node has no DDS security (SROS2); it runs unsecured (ROS_SECURITY_STRATEGY is not Enforce)", where);
    }

    /** Whether the inference thread has ended: after {@link #close}, or after a fault it cannot recover from ({@link #fault}). */
    public boolean stopped() {
        return !worker.isAlive();
    }

    /** The fault that stopped inference, or null. */
    public Throwable fault() {
        return fatal;
    }

    /** Stops serving: the frame in progress is finished, then the models and the DDS participant are closed. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        diagnosticsTimer.shutdownNow();
        try {
            diagnosticsTimer.awaitTermination(1, TimeUnit.SECONDS); // no /diagnostics on a closed participant
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        mailbox.close();
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        processor.close();
        if (rosoutAttached != null) rosoutAttached.attachRosout(cdr -> { }); // the writer goes with the participant
        transport.close();
    }
}
