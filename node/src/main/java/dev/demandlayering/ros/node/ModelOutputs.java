package dev.demandlayering.ros.node;

import dev.demandlayering.models.ModelManifest;
import dev.demandlayering.perception.Detection;
import dev.demandlayering.perception.Heads;
import dev.demandlayering.perception.DetectionDecoder;
import dev.demandlayering.perception.Nms;
import dev.demandlayering.perception.RgbImage;
import dev.demandlayering.perception.SegmentationMask;
import dev.demandlayering.ros.dds.Qos;
import dev.demandlayering.ros.dds.RosTransport;
import dev.demandlayering.ros.msg.SensorMsgs;
import dev.demandlayering.ros.msg.StdMsgs;
import dev.demandlayering.ros.msg.VisionMsgs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One model's head and publishers: detections as vision_msgs/Detection2DArray on {@code MODEL/detections},
 * or a mono8 class-id mask on {@code MODEL/mask} (and optionally a colourised overlay on {@code MODEL/overlay}),
 * stamped with the camera frame's header. Returns a one-line summary for the diagnostics.
 */
final class ModelOutputs {
    private final ModelManifest manifest;
    private final DetectionDecoder detector;
    private final RosTransport.Publisher main, overlay;
    private final double scoreThreshold, nmsIou, maskThreshold;
    private final int maxDetections;

    ModelOutputs(ModelManifest m, RosTransport transport, java.util.function.UnaryOperator<String> resolve, Map<String, Object> params) {
        this.manifest = m;
        this.scoreThreshold = (Double) params.get("score_threshold");
        this.nmsIou = (Double) params.get("nms_iou");
        this.maxDetections = (int) (long) (Long) params.get("max_detections");
        this.maskThreshold = (Double) params.get("mask_threshold");
        switch (m.task()) {
            case "detection" -> {
                detector = Heads.detection(m);
                main = transport.advertise(resolve.apply(m.name() + "/detections"), VisionMsgs.Detection2DArray.TYPE, Qos.RELIABLE, 4 << 20);
                overlay = null;
            }
            case "segmentation" -> {
                detector = null;
                Heads.maskOutput(m); // fail at start-up on a manifest without a usable mask output
                main = transport.advertise(resolve.apply(m.name() + "/mask"), SensorMsgs.Image.TYPE, Qos.RELIABLE, 64 << 20);
                overlay = (Boolean) params.get("publish_overlay")
                        ? transport.advertise(resolve.apply(m.name() + "/overlay"), SensorMsgs.Image.TYPE, Qos.RELIABLE, 64 << 20) : null;
            }
            default -> throw new IllegalArgumentException(m.source() + ": task '" + m.task() + "' has no ROS output (detection, segmentation)");
        }
    }

    String publish(StdMsgs.Header header, RgbImage img, Map<String, float[]> outputs) {
        if (detector != null) {
            List<Detection> dets = Nms.apply(detector.candidates(outputs, manifest.preprocessing().geometry(img, manifest.inputShape()), scoreThreshold),
                    nmsIou, maxDetections);
            List<VisionMsgs.Detection2D> msgs = new ArrayList<>();
            for (Detection d : dets) {
                VisionMsgs.BoundingBox2D box = new VisionMsgs.BoundingBox2D((d.x1() + d.x2()) / 2, (d.y1() + d.y2()) / 2, 0, d.x2() - d.x1(), d.y2() - d.y1());
                msgs.add(new VisionMsgs.Detection2D(header, List.of(new VisionMsgs.Hypothesis(d.className(), d.score(),
                        VisionMsgs.PoseWithCovariance.identity())), box, ""));
            }
            main.publish(new VisionMsgs.Detection2DArray(header, msgs).encode());
            return dets.size() + " detections";
        }
        SegmentationMask mask = Heads.mask(manifest, outputs, img, (float) maskThreshold);
        main.publish(new SensorMsgs.Image(header, mask.height(), mask.width(), "mono8", 0, mask.width(), mask.classIds()).encode());
        if (overlay != null) overlay.publish(overlay(header, img, mask).encode());
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
