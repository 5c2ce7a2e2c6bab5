package dev.demandlayering.perception;

import dev.demandlayering.models.ModelManifest;
import dev.demandlayering.models.PreprocessingSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Turns an image into a model input tensor: bilinear resize to the input size (stretched, or letterboxed:
 * aspect kept, centred, padded with grey 114), RGB or BGR order, scale to [0, 1] then (x - mean) / std, in
 * NCHW or NHWC layout, as the model's manifest says.
 */
public final class Preprocessor {
    private Preprocessor() {
    }

    /** Where {@code img} lands in a model input of {@code shape}: the resize's scale and the letterbox's padding. */
    public static ImageGeometry geometry(PreprocessingSpec spec, RgbImage img, int[] shape) {
        int[] hw = spec.inputSize(shape);
        return ImageGeometry.of(img.width(), img.height(), hw[1], hw[0], spec.letterbox());
    }

    private static final int PAD = 114; // the grey YOLO exports pad letterboxes with

    public static RgbImage load(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "image not found");
        if (Files.isDirectory(file)) throw new IllegalArgumentException(file + " is a directory; expected a JPEG or PNG image file");
        return ImageCodec.decode(Files.readAllBytes(file), file.toString());
    }

    /**
     * A shipped model's input tensor for {@code img}: its manifest's shape and preprocessing. The one preprocessing the
     * pipeline, the benchmark, the ONNX Runtime comparison and {@code dlayer inputs} all use.
     */
    public static float[] modelInput(ModelManifest m, RgbImage img) {
        return toTensor(img, m.inputShape(), m.preprocessing());
    }

    /** @param shape the model input shape, [1,3,H,W] (NCHW) or [1,H,W,3] (NHWC) */
    public static float[] toTensor(RgbImage img, int[] shape, PreprocessingSpec spec) {
        boolean nchw = spec.layout().equalsIgnoreCase("NCHW");
        if (shape.length != 4 || (nchw ? shape[1] : shape[3]) != 3) {
            throw new IllegalArgumentException("image input must have shape [1,3,H,W] (NCHW) or [1,H,W,3] (NHWC), model says "
                    + java.util.Arrays.toString(shape) + " with layout " + spec.layout());
        }
        int h = nchw ? shape[2] : shape[1], w = nchw ? shape[3] : shape[2];
        ImageGeometry g = geometry(spec, img, shape);
        int ih = img.height(), iw = img.width();
        float[] out = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            // half-pixel centres, like TF's resize_bilinear(half_pixel_centers) and OpenCV's resize
            double sy = (y + 0.5 - g.padY()) / g.scaleY() - 0.5;
            boolean padRow = y + 0.5 < g.padY() || y + 0.5 > g.padY() + ih * g.scaleY();
            int y0 = (int) Math.floor(Math.max(0, Math.min(ih - 1, sy))), y1 = Math.min(ih - 1, y0 + 1);
            double fy = Math.max(0, Math.min(ih - 1, sy)) - y0;
            for (int x = 0; x < w; x++) {
                double sx = (x + 0.5 - g.padX()) / g.scaleX() - 0.5;
                boolean pad = padRow || x + 0.5 < g.padX() || x + 0.5 > g.padX() + iw * g.scaleX();
                int x0 = (int) Math.floor(Math.max(0, Math.min(iw - 1, sx))), x1 = Math.min(iw - 1, x0 + 1);
                double fx = Math.max(0, Math.min(iw - 1, sx)) - x0;
                for (int c = 0; c < 3; c++) {
                    double value;
                    if (pad) {
                        value = PAD;
                    } else {
                        double top = img.at(x0, y0, c) * (1 - fx) + img.at(x1, y0, c) * fx;
                        double bot = img.at(x0, y1, c) * (1 - fx) + img.at(x1, y1, c) * fx;
                        value = top * (1 - fy) + bot * fy;
                    }
                    float v = (float) (value / 255.0);
                    int oc = spec.bgr() ? 2 - c : c;
                    v = (v - spec.mean()[oc]) / spec.std()[oc];
                    out[nchw ? (oc * h + y) * w + x : (y * w + x) * 3 + oc] = v;
                }
            }
        }
        return out;
    }
}
