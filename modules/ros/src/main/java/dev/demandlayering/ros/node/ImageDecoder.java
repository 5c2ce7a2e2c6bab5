package dev.demandlayering.ros.node;

import dev.demandlayering.perception.ImageCodec;
import dev.demandlayering.perception.RgbImage;
import dev.demandlayering.ros.msg.SensorMsgs;

/** Camera messages to RGB pixels: Image in rgb8, bgr8 or mono8 (any row padding), CompressedImage in jpeg or png (OpenCV). */
final class ImageDecoder {
    private ImageDecoder() {
    }

    static RgbImage decode(SensorMsgs.Image m, long maxPixels) {
        long w = m.width(), h = m.height();
        if (w <= 0 || h <= 0) throw new IllegalArgumentException("image size " + w + "x" + h + " is not usable");
        if (w * h > maxPixels) throw new IllegalArgumentException("image of " + w + "x" + h + " pixels is over max_image_pixels (" + maxPixels + ")");
        int channels = switch (m.encoding()) {
            case "rgb8", "bgr8" -> 3;
            case "mono8" -> 1;
            default -> throw new IllegalArgumentException("encoding '" + m.encoding() + "' is not supported (rgb8, bgr8, mono8)");
        };
        if (m.step() < w * channels) throw new IllegalArgumentException("step " + m.step() + " is shorter than a row of " + w * channels + " bytes");
        if (m.data().length < m.step() * (h - 1) + w * channels) {
            throw new IllegalArgumentException(m.encoding() + " image " + w + "x" + h + " with step " + m.step() + " needs "
                    + (m.step() * (h - 1) + w * channels) + " bytes, message has " + m.data().length);
        }
        byte[] rgb = new byte[(int) (w * h * 3)];
        byte[] d = m.data();
        for (int y = 0; y < h; y++) {
            int row = (int) (y * m.step());
            for (int x = 0; x < w; x++) {
                int o = (int) ((y * w + x) * 3);
                switch (m.encoding()) {
                    case "rgb8" -> System.arraycopy(d, row + 3 * x, rgb, o, 3);
                    case "bgr8" -> {
                        rgb[o] = d[row + 3 * x + 2];
                        rgb[o + 1] = d[row + 3 * x + 1];
                        rgb[o + 2] = d[row + 3 * x];
                    }
                    default -> rgb[o] = rgb[o + 1] = rgb[o + 2] = d[row + x];
                }
            }
        }
        return new RgbImage((int) w, (int) h, rgb);
    }

    static RgbImage decode(SensorMsgs.CompressedImage m, long maxPixels) {
        String f = m.format().toLowerCase();
        if (!f.contains("jpeg") && !f.contains("jpg") && !f.contains("png")) {
            throw new IllegalArgumentException("compressed format '" + m.format() + "' is not supported (jpeg, png)");
        }
        return ImageCodec.decode(m.data(), "compressed image (" + m.format() + ")", maxPixels);
    }
}
