package dev.demandlayering.ros.msg;

import dev.demandlayering.ros.cdr.CdrReader;
import dev.demandlayering.ros.cdr.CdrWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * vision_msgs 4.x Detection2DArray and what it contains, with the geometry_msgs types it uses. Field order
 * follows the .msg files: Detection2D {header, results[], bbox, id}; ObjectHypothesisWithPose
 * {hypothesis {class_id, score}, pose (geometry_msgs/PoseWithCovariance)}; BoundingBox2D {center
 * (vision_msgs/Pose2D {position (Point2D x, y), theta}), size_x, size_y}.
 */
public final class VisionMsgs {
    private VisionMsgs() {
    }

    /** geometry_msgs/PoseWithCovariance: position xyz, orientation xyzw, float64[36] covariance. */
    public record PoseWithCovariance(double[] position, double[] orientation, double[] covariance) {
        public static PoseWithCovariance identity() {
            return new PoseWithCovariance(new double[3], new double[] {0, 0, 0, 1}, new double[36]);
        }

        void write(CdrWriter w) {
            w.f64Array(position).f64Array(orientation).f64Array(covariance);
        }

        static PoseWithCovariance read(CdrReader r) {
            return new PoseWithCovariance(r.f64Array(3, "pose.position"), r.f64Array(4, "pose.orientation"), r.f64Array(36, "pose.covariance"));
        }
    }

    /** ObjectHypothesisWithPose: hypothesis (class_id, score) and pose. */
    public record Hypothesis(String classId, double score, PoseWithCovariance pose) {
        void write(CdrWriter w) {
            w.string(classId).f64(score);
            pose.write(w);
        }

        static Hypothesis read(CdrReader r) {
            return new Hypothesis(r.string("hypothesis.class_id"), r.f64("hypothesis.score"), PoseWithCovariance.read(r));
        }
    }

    /** BoundingBox2D: center (x, y, theta) and size, in pixels of the source image. */
    public record BoundingBox2D(double centerX, double centerY, double theta, double sizeX, double sizeY) {
        void write(CdrWriter w) {
            w.f64(centerX).f64(centerY).f64(theta).f64(sizeX).f64(sizeY);
        }

        static BoundingBox2D read(CdrReader r) {
            return new BoundingBox2D(r.f64("bbox.center.position.x"), r.f64("bbox.center.position.y"), r.f64("bbox.center.theta"),
                    r.f64("bbox.size_x"), r.f64("bbox.size_y"));
        }
    }

    /** Detection2D: header, results[], bbox, id. */
    public record Detection2D(StdMsgs.Header header, List<Hypothesis> results, BoundingBox2D bbox, String id) {
        void write(CdrWriter w) {
            header.write(w);
            w.u32(results.size());
            for (Hypothesis h : results) h.write(w);
            bbox.write(w);
            w.string(id);
        }

        static Detection2D read(CdrReader r) {
            StdMsgs.Header h = StdMsgs.Header.read(r);
            int n = r.count("results", 4 + 8 + 8 * 43);
            List<Hypothesis> results = new ArrayList<>(n);
            for (int i = 0; i < n; i++) results.add(Hypothesis.read(r));
            return new Detection2D(h, results, BoundingBox2D.read(r), r.string("id"));
        }
    }

    /** vision_msgs/Detection2DArray: header, detections[]. */
    public record Detection2DArray(StdMsgs.Header header, List<Detection2D> detections) implements RosMessage {
        public static final String TYPE = RosMessage.ddsTypeName("vision_msgs", "Detection2DArray");

        @Override
        public String ddsTypeName() {
            return TYPE;
        }

        @Override
        public void write(CdrWriter w) {
            header.write(w);
            w.u32(detections.size());
            for (Detection2D d : detections) d.write(w);
        }

        public static Detection2DArray decode(byte[] payload) {
            CdrReader r = new CdrReader(payload, "vision_msgs/Detection2DArray");
            StdMsgs.Header h = StdMsgs.Header.read(r);
            int n = r.count("detections", 8 + 4 + 4 + 40 + 4);
            List<Detection2D> ds = new ArrayList<>(n);
            for (int i = 0; i < n; i++) ds.add(Detection2D.read(r));
            return new Detection2DArray(h, ds);
        }
    }
}
