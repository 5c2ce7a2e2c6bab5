package dev.demandlayering.ros.params;

import dev.demandlayering.perception.HeadSettings;
import dev.demandlayering.ros.msg.RmwDdsCommon;
import dev.demandlayering.runtime.Backends;
import dev.demandlayering.runtime.layers.WeightPrecision;
import dev.demandlayering.runtime.pack.DirectIo;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The perception node's parameters: the schema (documented in docs/parameters.md, generated from it) and
 * how they are gathered: defaults, then each --params-file in order, then -p overrides.
 */
public final class NodeParameters {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NodeParameters.class);
    public static final String DEFAULT_NODE_NAME = "demand_layering";

    private NodeParameters() {
    }

    public static final ParameterSchema SCHEMA = new ParameterSchema()
            .add("models", ParameterSchema.Type.STRING_ARRAY, List.of("nanodet"),
                    "Models to run on every frame, in order, by manifest name (models/NAME.yaml); they share one arena.",
                    "1 to 8 manifest names", v -> !((List<?>) v).isEmpty() && ((List<?>) v).size() <= 8)
            .add("arena_size", ParameterSchema.Type.BYTE_SIZE, 0L,
                    "Bytes of the one memory arena all models share; 0 = the planner's minimum. A size below the minimum stops the node with the minimum stated.",
                    ">= 0", v -> (Long) v >= 0)
            .add("residency", ParameterSchema.Type.STRING, "auto",
                    "Which layers stay resident: auto (memory-delay trade-off within arena_size), none (stream all), all (fully resident).",
                    String.join(", ", ResidencyMode.LABELS), ResidencyMode.LABELS::contains)
            .add("weight_precision", ParameterSchema.Type.STRING, "fp32",
                    "Weights in the arena and on the disk: fp32, or fp16 (half the weight memory and read bytes; outputs move by about 1e-3; convolutions run on a GPU's tensor cores).",
                    String.join(", ", WeightPrecision.labels()), WeightPrecision.labels()::contains)
            .add("backend", ParameterSchema.Type.STRING, "auto",
                    "Compute backend: auto picks cuda when a GPU is usable, else cpu (and logs why).", String.join(", ", Backends.NAMES),
                    Backends.NAMES::contains)
            .add("direct_io", ParameterSchema.Type.STRING, "auto",
                    "Read weights with O_DIRECT (past the page cache): auto falls back to buffered reads, with one log line, where the file system refuses or cannot do it; on fails at start-up instead; off never uses it.",
                    String.join(", ", DirectIo.LABELS), DirectIo.LABELS::contains)
            .add("max_image_pixels", ParameterSchema.Type.INTEGER, 100_000_000L,
                    "Largest camera image accepted, in pixels (width x height); larger ones are refused before decoding (a compressed image by its header) and counted as invalid.",
                    "1 to 700000000 (an RGB image must fit one Java array)", v -> (Long) v >= 1 && (Long) v <= 700_000_000L)
            .add("image_topics", ParameterSchema.Type.STRING_ARRAY, List.of("image_raw"),
                    "Camera topics (sensor_msgs/Image; a name ending in /compressed is a sensor_msgs/CompressedImage, jpeg or png).",
                    "1 or more topic names", v -> !((List<?>) v).isEmpty())
            .add("per_camera_outputs", ParameterSchema.Type.BOOL, false,
                    "Publish each camera's outputs under the camera's namespace (/front/image_raw -> /front/MODEL/detections) instead of one set under the node's namespace (header.frame_id tells cameras apart).")
            .add("qos.reliability", ParameterSchema.Type.STRING, "best_effort",
                    "Reliability of the camera subscriptions (sensor-data QoS by default).", "best_effort, reliable",
                    v -> Set.of("best_effort", "reliable").contains(v))
            .add("qos.depth", ParameterSchema.Type.INTEGER, 1L, "History depth of the camera subscriptions.", "1 to 100",
                    v -> (Long) v >= 1 && (Long) v <= 100)
            .add("score_threshold", ParameterSchema.Type.DOUBLE, HeadSettings.DEFAULTS.scoreThreshold(), "Detection heads: minimum class score.", "0 to 1",
                    v -> (Double) v >= 0 && (Double) v <= 1)
            .add("nms_iou", ParameterSchema.Type.DOUBLE, HeadSettings.DEFAULTS.nmsIou(), "Detection heads: IoU above which a lower-scoring box of the same class is dropped.",
                    "0 to 1", v -> (Double) v >= 0 && (Double) v <= 1)
            .add("max_detections", ParameterSchema.Type.INTEGER, (long) HeadSettings.DEFAULTS.maxDetections(), "Detection heads: most detections published per frame.", "1 to 10000",
                    v -> (Long) v >= 1 && (Long) v <= 10000)
            .add("mask_threshold", ParameterSchema.Type.DOUBLE, HeadSettings.DEFAULTS.maskThreshold(), "Segmentation heads: probability at which a pixel takes the class.", "0 to 1",
                    v -> (Double) v >= 0 && (Double) v <= 1)
            .add("publish_overlay", ParameterSchema.Type.BOOL, false, "Segmentation heads: also publish a colourised overlay image for viewers.")
            .add("publish_debug_image", ParameterSchema.Type.BOOL, false,
                    "Detection heads: also publish ~/MODEL/debug_image, the camera image with each box and its class and score drawn, for viewers.")
            .add("deadline_ms", ParameterSchema.Type.DOUBLE, 100.0,
                    "Budget per frame, from its arrival at the node to its outputs; a frame over it makes the diagnostics WARN.", "> 0", v -> (Double) v > 0)
            .add("log_every_n_frames", ParameterSchema.Type.INTEGER, 30L, "A one-line summary of the frame figures every N frames; 0 = never.",
                    ">= 0", v -> (Long) v >= 0)
            .add("diagnostics_period", ParameterSchema.Type.DOUBLE, 1.0,
                    "Seconds between /diagnostics messages (diagnostic_updater's convention: about 1 Hz), each summing up the period per camera, per model and for the arena; every frame's figures go to ~/frame_stats.",
                    "0.05 to 3600", v -> (Double) v >= 0.05 && (Double) v <= 3600)
            .add("log_level", ParameterSchema.Type.STRING, "",
                    "The node's log level (debug, info, warn, error, fatal), as --log-level sets it; settable while running; empty = what --log-level said (info by default).",
                    "empty, debug, info, warn, error, fatal", v -> java.util.Set.of("", "debug", "info", "warn", "error", "fatal").contains(v))
            .add("ros_distro", ParameterSchema.Type.STRING, "",
                    "The ROS 2 distro whose graph messages the node speaks on ros_discovery_info (gids are 24 bytes up to humble, 16 from iron on, and the two do not read each other); empty = $ROS_DISTRO, else jazzy.",
                    "empty, " + String.join(", ", RmwDdsCommon.GidLayout.distros()),
                    v -> "".equals(v) || RmwDdsCommon.GidLayout.distros().contains(v))
            .add("use_sim_time", ParameterSchema.Type.BOOL, false,
                    "Standard ROS parameter: the node's clock follows /clock (rosgraph_msgs/Clock, as ros2 bag play --clock and simulators publish it) instead of the system clock; end_to_end_ms and the diagnostics period use it. In replay, the bag's own clock.");

    /**
     * Defaults, parameter files in order, then -p overrides; validated against {@link #SCHEMA}. A name the node does
     * not have is logged once, as a warning, and ignored (rclcpp's default: a shared {@code /**} file or launch's
     * SetParameter may name other nodes' parameters).
     */
    public static Map<String, Object> gather(RosArgs args) throws IOException {
        Map<String, Object> given = new LinkedHashMap<>();
        for (Path f : args.paramsFiles()) given.putAll(ParameterFile.load(f, args.nodeName(), args.fullyQualifiedName()));
        given.putAll(args.params());
        for (String line : SCHEMA.unknown(given)) LOG.warn("{}", line);
        return SCHEMA.resolve(given);
    }
}
