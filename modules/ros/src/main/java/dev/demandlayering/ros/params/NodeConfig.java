package dev.demandlayering.ros.params;

import dev.demandlayering.perception.HeadSettings;
import dev.demandlayering.perception.PerceptionConfig;
import dev.demandlayering.runtime.layers.WeightPrecision;
import dev.demandlayering.runtime.pack.DirectIo;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The node's parameters, typed, read once from the map {@link NodeParameters#gather} validated: the perception
 * pipeline's part ({@link PerceptionConfig}) and the node's own (cameras, outputs, QoS, deadline, logging, diagnostics, clock). Nothing
 * else casts a parameter.
 */
public record NodeConfig(PerceptionConfig perception, long maxImagePixels, List<String> imageTopics, boolean perCameraOutputs,
                         boolean qosReliable, int qosDepth, boolean publishOverlay, double deadlineMs, long logEveryNFrames,
                         double diagnosticsPeriodS, boolean useSimTime, String rosDistro, boolean publishDebugImage) {

    /** The configuration of validated parameters (every name of {@link NodeParameters#SCHEMA} present, of its type). */
    @SuppressWarnings("unchecked")
    public static NodeConfig from(Map<String, Object> params) {
        HeadSettings heads = new HeadSettings((Double) params.get("score_threshold"), (Double) params.get("nms_iou"),
                Math.toIntExact((Long) params.get("max_detections")), (Double) params.get("mask_threshold"));
        PerceptionConfig perception = new PerceptionConfig((List<String>) params.get("models"), (String) params.get("backend"),
                (Long) params.get("arena_size"), ResidencyMode.valueOf(((String) params.get("residency")).toUpperCase(Locale.ROOT)),
                WeightPrecision.parse((String) params.get("weight_precision"), "parameter weight_precision"),
                DirectIo.parse((String) params.get("direct_io")), heads);
        return new NodeConfig(perception, (Long) params.get("max_image_pixels"), List.copyOf((List<String>) params.get("image_topics")),
                (Boolean) params.get("per_camera_outputs"), "reliable".equals(params.get("qos.reliability")),
                Math.toIntExact((Long) params.get("qos.depth")), (Boolean) params.get("publish_overlay"), (Double) params.get("deadline_ms"),
                (Long) params.get("log_every_n_frames"), (Double) params.get("diagnostics_period"), (Boolean) params.get("use_sim_time"),
                (String) params.get("ros_distro"), (Boolean) params.get("publish_debug_image"));
    }
}
