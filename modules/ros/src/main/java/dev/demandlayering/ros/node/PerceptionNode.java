package dev.demandlayering.ros.node;

import dev.demandlayering.models.ModelCatalog;
import dev.demandlayering.ros.dds.FastDdsTransport;
import dev.demandlayering.ros.dds.Qos;
import dev.demandlayering.ros.dds.RosTransport;
import dev.demandlayering.ros.params.NodeConfig;
import dev.demandlayering.ros.params.NodeParameters;
import dev.demandlayering.ros.params.RosArgs;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

    /**
     * Plans and opens the models first, so a bad model, manifest or arena size stops the node before it
     * joins the DDS domain; {@code transport} is created only then.
     */
    public PerceptionNode(RosArgs args, Map<String, Object> params, ModelCatalog catalog, Supplier<RosTransport> transport) throws IOException {
        NodeConfig config = NodeConfig.from(params);
        processor = new FrameProcessor(args, config, catalog);
        try {
            this.transport = transport.get();
        } catch (RuntimeException e) {
            processor.close();
            throw e;
        }
        mailbox = new CameraMailbox<>(processor.cameras());
        Qos qos = new Qos(config.qosReliable(), config.qosDepth());
        for (String camera : processor.cameras()) subscribe(camera, qos);
        TransportSink sink = new TransportSink(this.transport);
        processor.advertise(sink);
        worker = new Thread(() -> loop(sink), "dlayer-inference");
        worker.start();
    }

    private void subscribe(String camera, Qos qos) {
        AtomicBoolean first = new AtomicBoolean(true);
        transport.subscribe(camera, FrameProcessor.cameraType(camera), qos, 64 << 20, bytes -> {
            try {
                CameraFrame f = processor.decode(camera, bytes, System.nanoTime());
                if (first.getAndSet(false)) {
                    LOG.info("{}: first frame, {}x{} from '{}'", camera, f.image().width(), f.image().height(), f.header().frameId());
                }
                mailbox.offer(camera, f);
            } catch (RuntimeException | OutOfMemoryError e) {
                skipped.skipped(camera, FailureLog.describe(e));
            }
        });
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
        private final Map<String, RosTransport.Publisher> writers = new ConcurrentHashMap<>();

        TransportSink(RosTransport transport) {
            this.transport = transport;
        }

        @Override
        public void advertise(String topic, String type, Qos qos, int maxBytes) {
            writers.computeIfAbsent(topic, t -> transport.advertise(t, type, qos, maxBytes));
        }

        @Override
        public void publish(String topic, byte[] cdr, long logNanos) {
            RosTransport.Publisher w = writers.get(topic);
            if (w == null) throw new IllegalStateException("topic " + topic + " was not advertised");
            w.publish(cdr);
        }
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
        if (node.fatal != null) {
            Thread.sleep(1000); // the ERROR diagnostic is queued on a reliable writer: give it time to reach subscribers
            throw new NodeStopped(node.fatal);
        }
    }

    /** The node stopped serving because of a fault it cannot recover from; the process exits non-zero. */
    public static final class NodeStopped extends Exception {
        NodeStopped(Throwable cause) {
            super("inference stopped: " + cause.getMessage(), cause);
        }
    }

    @Override
    public void close() {
        mailbox.close();
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        processor.close();
        transport.close();
    }
}
