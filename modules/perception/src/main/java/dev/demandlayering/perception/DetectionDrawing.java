package dev.demandlayering.perception;

import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * A copy of the camera image with each detection's box and "class score" label drawn (OpenCV's imgproc), the debug
 * image Autoware's detectors publish for a viewer. Each class keeps one colour; the label sits on a filled band above
 * the box (inside it when the box touches the top).
 */
public final class DetectionDrawing {
    private DetectionDrawing() {
    }

    /** A well-spread colour for class {@code id}, as RGB. */
    public static int[] colour(int id) {
        float hue = (id * 0.618034f) % 1f;
        int rgb = java.awt.Color.HSBtoRGB(hue, 0.85f, 1f);
        return new int[] {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
    }

    public static RgbImage draw(RgbImage image, List<Detection> detections) {
        byte[] out = image.rgb().clone();
        int w = image.width(), h = image.height();
        int thickness = Math.max(2, Math.min(w, h) / 240);
        double textScale = Math.max(0.4, Math.min(w, h) / 900.0);
        try (BytePointer pixels = new BytePointer(out); Mat m = new Mat(h, w, opencv_core.CV_8UC3, pixels)) {
            for (Detection d : detections) {
                int[] c = colour(d.classId());
                Scalar colour = new Scalar(c[0], c[1], c[2], 0); // the Mat holds RGB, so the scalar is RGB too
                int x1 = clamp(d.x1(), w), y1 = clamp(d.y1(), h), x2 = clamp(d.x2(), w), y2 = clamp(d.y2(), h);
                opencv_imgproc.rectangle(m, new Point(x1, y1), new Point(x2, y2), colour, thickness, opencv_imgproc.LINE_8, 0);
                String label = String.format(Locale.ROOT, "%s %.2f", d.className(), d.score());
                int[] baseline = new int[1];
                var size = opencv_imgproc.getTextSize(label, opencv_imgproc.FONT_HERSHEY_SIMPLEX, textScale, 1, baseline);
                int top = y1 - size.height() - baseline[0] - 2 >= 0 ? y1 - size.height() - baseline[0] - 2 : y1;
                opencv_imgproc.rectangle(m, new Point(x1, top), new Point(Math.min(w - 1, x1 + size.width() + 2), top + size.height() + baseline[0] + 2),
                        colour, opencv_imgproc.FILLED, opencv_imgproc.LINE_8, 0);
                opencv_imgproc.putText(m, label, new Point(x1 + 1, top + size.height() + 1), opencv_imgproc.FONT_HERSHEY_SIMPLEX, textScale,
                        new Scalar(0, 0, 0, 0), 1, opencv_imgproc.LINE_AA, false);
            }
            pixels.get(out);
        }
        return new RgbImage(w, h, out);
    }

    private static int clamp(double v, int size) {
        return (int) Math.max(0, Math.min(size - 1, Math.round(v)));
    }
}
