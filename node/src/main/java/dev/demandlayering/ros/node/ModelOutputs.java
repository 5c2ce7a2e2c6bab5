package dev.demandlayering.ros.node;

import dev.demandlayering.perception.Preprocessor;
import dev.demandlayering.models.ModelManifest;
import dev.demandlayering.perception.Detection;
import dev.demandlayering.perception.Heads;
import dev.demandlayering.perception.DetectionDecoder;
import dev.demandlayering.perception.Nms;
import dev.demandlayering.perception.RgbImage;
import dev.demandlayering.perception.SegmentationMask;
import dev.demandlayering.ros.dds.Qos;
import dev.demandlayering.ros.msg.SensorMsgs;
import dev.demandlayering.ros.msg.StdMsgs;
import dev.demandlayering.ros.msg.VisionMsgs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One model's head and topics: detections as vision_msgs/Detection2DArray on {@code MODEL/detections}, or a
 * mono8 class-id mask on {@code MODEL/mask} (and optionally a colourised overlay on {@code MODEL/overlay}),
 * stamped with the camera frame's header. Topic names come from a resolver (node namespace, remaps, or the
 * camera's namespace); the summary it returns goes into the diagnostics.
 */
final class ModelOutputs {
    private final ModelManifest manifest;
    private final DetectionDecoder detector;
    private final boolean overlay;
    private final double scoreThreshold, nmsIou, maskThreshold;
    private final int maxDetections;

    ModelOutputs(ModelManifest m, Map<String, Object> params) {
        this.manifest = m;
        this.scoreThreshold = (Double) params.get("score_threshold");
        this.nmsIou = (Double) params.get("nms_iou");
        this.maxDetections = (int) (long) (Long) params.get("max_detections");
        this.maskThreshold = (Double) params.get("mask_threshold");
        switch (m.task()) {
            case "detection" -> {
                detector = Heads.detection(m);
                overlay = false;
            }
            case "segmentation" -> {
                detector = null;
                Heads.maskOutput(m); // fail at start-up on a manifest without a usable mask output
                overlay = (Boolean) params.get("publish_overlay");
            }
            default -> throw new IllegalArgumentException(m.source() + ": task '" + m.task() + "' has no ROS output (detection, segmentation)");
        }
    }

    /** Declares this model's output topics; {@code topic} resolves a name relative to the output namespace. */
    void advertise(MessageSink sink, UnaryOperator<String> topic) {
        if (detector != null) {
            sink.advertise(topic.apply(manifest.name() + "/detections"), VisionMsgs.Detection2DArray.TYPE, Qos.RELIABLE, 4 << 20);
            return;
        }
        sink.advertise(topic.apply(manifest.name() + "/mask"), SensorMsgs.Image.TYPE, Qos.RELIABLE, 64 << 20);
        if (overlay) sink.advertise(topic.apply(manifest.name() + "/overlay"), SensorMsgs.Image.TYPE, Qos.RELIABLE, 64 << 20);
    }

    String publish(MessageSink sink, UnaryOperator<String> topic, StdMsgs.Header header, RgbImage img, Map<String, float[]> outputs) {
        long now = System.currentTimeMillis() * 1_000_000L;
        if (detector != null) {
            List<Detection> dets = Nms.apply(detector.candidates(outputs, Preprocessor.geometry(manifest.preprocessing(), img, manifest.inputShape()), scoreThreshold),
                    nmsIou, maxDetections);
            List<VisionMsgs.Detection2D> msgs = new ArrayList<>();
            for (Detection d : dets) {
                VisionMsgs.BoundingBox2D box = new VisionMsgs.BoundingBox2D((d.x1() + d.x2()) / 2, (d.y1() + d.y2()) / 2, 0, d.x2() - d.x1(), d.y2() - d.y1());
                msgs.add(new VisionMsgs.Detection2D(header, List.of(new VisionMsgs.Hypothesis(d.className(), d.score(),
                        VisionMsgs.PoseWithCovariance.identity())), box, ""));
            }
            sink.publish(topic.apply(manifest.name() + "/detections"), new VisionMsgs.Detection2DArray(header, msgs).encode(), now);
            return dets.size() + " detections";
        }
        SegmentationMask mask = Heads.mask(manifest, outputs, img, (float) maskThreshold);
        sink.publish(topic.apply(manifest.name() + "/mask"),
                new SensorMsgs.Image(header, mask.height(), mask.width(), "mono8", 0, mask.width(), mask.classIds()).encode(), now);
        if (overlay) sink.publish(topic.apply(manifest.name() + "/overlay"), overlay(header, img, mask).encode(), now);
        return String.format("%.1f%% %s", 100 * mask.coverage(1), manifest.classes().size() > 1 ? manifest.classes().get(1) : "class 1");
    }
    /** The camera image with class pixels tinted, for viewers such as rviz and Foxglove. */
    private static SensorMsgs.Image overlay(StdMsgs.Header header, RgbImage img, SegmentationMask mask) {
        byte[] out = img.rgb().clone();
        for (int i = 0; i < mask.classIds().length; i++) {
            if (mask.classIds()[i] == 0) continue;
            out[3 * i] = (byte) (((out[3 * i] & 0xff) + 255) / 2);
            out[3 * i + 1] = (byte) ((out[3 * i + 1] & 0xff) / 2);
        }
        return new SensorMsgs.Image(header, img.height(), img.width(), "rgb8", 0, 3L * img.width(), out);
    }
}
