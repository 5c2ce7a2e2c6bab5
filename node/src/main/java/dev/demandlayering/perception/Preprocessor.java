package dev.demandlayering.perception;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Turns an image file into a model input tensor: bilinear resize (stretch) to the input size, RGB order,
 * scale to [0, 1] then (x - mean) / std, in NCHW or NHWC layout as the model's manifest says.
 */
public final class Preprocessor {
    private Preprocessor() {
    }

    /** How a model wants its pixels. */
    public record Spec(String layout, float[] mean, float[] std, boolean bgr) {
        public static Spec unitRgb(String layout) {
            return new Spec(layout, new float[] {0, 0, 0}, new float[] {1, 1, 1}, false);
        }
    }

    public static RgbImage load(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "image not found");
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) throw new IOException(file + ": not a readable image (PNG, JPEG, BMP or GIF expected)");
        return RgbImage.of(img);
    }

    /** @param shape the model input shape, [1,3,H,W] (NCHW) or [1,H,W,3] (NHWC) */
    public static float[] toTensor(RgbImage img, int[] shape, Spec spec) {
        boolean nchw = spec.layout().equalsIgnoreCase("NCHW");
        if (shape.length != 4 || (nchw ? shape[1] : shape[3]) != 3) {
            throw new IllegalArgumentException("image input must have shape [1,3,H,W] (NCHW) or [1,H,W,3] (NHWC), model says "
                    + java.util.Arrays.toString(shape) + " with layout " + spec.layout());
        }
        int h = nchw ? shape[2] : shape[1], w = nchw ? shape[3] : shape[2];
        int ih = img.height(), iw = img.width();
        float[] out = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            HalfPixel py = HalfPixel.of(y, h, ih);
            int y0 = py.i0(), y1 = py.i1();
            double fy = py.f();
            for (int x = 0; x < w; x++) {
                HalfPixel px = HalfPixel.of(x, w, iw);
                int x0 = px.i0(), x1 = px.i1();
                double fx = px.f();
                for (int c = 0; c < 3; c++) {
                    double top = img.at(x0, y0, c) * (1 - fx) + img.at(x1, y0, c) * fx;
                    double bot = img.at(x0, y1, c) * (1 - fx) + img.at(x1, y1, c) * fx;
                    float v = (float) ((top * (1 - fy) + bot * fy) / 255.0);
                    int oc = spec.bgr() ? 2 - c : c;
                    v = (v - spec.mean()[oc]) / spec.std()[oc];
                    out[nchw ? (oc * h + y) * w + x : (y * w + x) * 3 + oc] = v;
                }
            }
        }
        return out;
    }
}
