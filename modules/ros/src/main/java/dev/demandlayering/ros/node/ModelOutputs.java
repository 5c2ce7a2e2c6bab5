package dev.demandlayering.ros.node;

import dev.demandlayering.models.ModelManifest;
import dev.demandlayering.perception.Detection;
import dev.demandlayering.perception.DetectionDrawing;
import dev.demandlayering.perception.ModelResult;
import dev.demandlayering.perception.RgbImage;
import dev.demandlayering.perception.SegmentationMask;
import dev.demandlayering.ros.dds.Qos;
import dev.demandlayering.ros.msg.SensorMsgs;
import dev.demandlayering.ros.msg.StdMsgs;
import dev.demandlayering.ros.msg.VisionMsgs;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One model's head and topics: detections as vision_msgs/Detection2DArray on {@code MODEL/detections} (and
 * optionally the camera image with the boxes drawn on {@code MODEL/debug_image}), or a mono8 class-id mask on
 * {@code MODEL/mask} (and optionally a colourised overlay on {@code MODEL/overlay}),
 * stamped with the camera frame's header. Topic names come from a resolver (node namespace, remaps, or the
 * camera's namespace); the summary it returns goes into the diagnostics.
 */
final class ModelOutputs {
    private final ModelManifest manifest;
    private final boolean detections, overlay, debugImage;

    /**
     * {@code overlay}: segmenters also publish the tinted camera image; {@code debugImage}: detectors also publish the
     * camera image with their boxes drawn. The manifest's head was checked by the pipeline.
     */
    ModelOutputs(ModelManifest m, boolean overlay, boolean debugImage) {
        this.manifest = m;
        this.detections = m.task().equals("detection");
        this.overlay = overlay && !detections;
        this.debugImage = debugImage && detections;
    }

    /** Declares this model's output topics; {@code topic} resolves a name relative to the output namespace. */
    void advertise(MessageSink sink, UnaryOperator<String> topic) {
        if (detections) {
            sink.advertise(topic.apply(manifest.name() + "/detections"), VisionMsgs.Detection2DArray.TYPE, Qos.RELIABLE, 4 << 20);
            if (debugImage) sink.advertise(topic.apply(manifest.name() + "/debug_image"), SensorMsgs.Image.TYPE, Qos.RELIABLE, 64 << 20);
            return;
        }
        sink.advertise(topic.apply(manifest.name() + "/mask"), SensorMsgs.Image.TYPE, Qos.RELIABLE, 64 << 20);
        if (overlay) sink.advertise(topic.apply(manifest.name() + "/overlay"), SensorMsgs.Image.TYPE, Qos.RELIABLE, 64 << 20);
    }

    /** Publishes this model's result of one frame, stamped with the camera's header; returns its summary. */
    String publish(MessageSink sink, UnaryOperator<String> topic, StdMsgs.Header header, RgbImage img, ModelResult result) {
        long now = System.currentTimeMillis() * 1_000_000L;
        if (result instanceof ModelResult.Detections d) {
            List<VisionMsgs.Detection2D> msgs = new ArrayList<>();
            for (Detection det : d.detections()) {
                VisionMsgs.BoundingBox2D box = new VisionMsgs.BoundingBox2D((det.x1() + det.x2()) / 2, (det.y1() + det.y2()) / 2, 0,
                        det.x2() - det.x1(), det.y2() - det.y1());
                msgs.add(new VisionMsgs.Detection2D(header, List.of(new VisionMsgs.Hypothesis(det.className(), det.score(),
                        VisionMsgs.PoseWithCovariance.identity())), box, ""));
            }
            sink.publish(topic.apply(manifest.name() + "/detections"), new VisionMsgs.Detection2DArray(header, msgs).encode(), now);
            if (debugImage) {
                RgbImage drawn = DetectionDrawing.draw(img, d.detections());
                sink.publish(topic.apply(manifest.name() + "/debug_image"),
                        new SensorMsgs.Image(header, drawn.height(), drawn.width(), "rgb8", 0, 3L * drawn.width(), drawn.rgb()).encode(), now);
            }
        } else if (result instanceof ModelResult.Mask m) {
            SegmentationMask mask = m.mask();
            sink.publish(topic.apply(manifest.name() + "/mask"),
                    new SensorMsgs.Image(header, mask.height(), mask.width(), "mono8", 0, mask.width(), mask.classIds()).encode(), now);
            if (overlay) sink.publish(topic.apply(manifest.name() + "/overlay"), overlay(header, img, mask).encode(), now);
        } else {
            throw new IllegalStateException(manifest.name() + ": a failed head has nothing to publish", ((ModelResult.Failed) result).error());
        }
        return result.summary();
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
