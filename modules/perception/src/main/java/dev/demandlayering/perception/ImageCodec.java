package dev.demandlayering.perception;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * JPEG and PNG to and from RGB pixels through OpenCV's imgcodecs, the decoder ROS camera drivers and
 * image_transport plugins use, so compressed frames decode to the same pixels here as in C++ nodes.
 */
public final class ImageCodec {
    private ImageCodec() {
    }

    /** The largest image decoded when no other limit is given: 100 megapixels (300 MB of RGB). */
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

    /** Decodes a JPEG or PNG byte stream (any bit depth or alpha: reduced to 8-bit RGB); {@code what} names it in errors. */
    public static RgbImage decode(byte[] encoded, String what) {
        return decode(encoded, what, DEFAULT_MAX_PIXELS);
    }

    /**
     * As {@link #decode(byte[], String)}, refusing from its header, before decoding, an image of more than
     * {@code maxPixels} pixels.
     */
    public static RgbImage decode(byte[] encoded, String what, long maxPixels) {
        if (encoded.length == 0) throw new IllegalArgumentException(what + " is empty");
        long[] size = ImageHeader.size(encoded);
        if (size == null) throw new IllegalArgumentException(what + " (" + encoded.length + " bytes) is not a JPEG or PNG stream (no image header)");
        if (size[0] <= 0 || size[1] <= 0 || size[0] * size[1] > Math.min(maxPixels, Integer.MAX_VALUE / 3)) {
            throw new IllegalArgumentException(what + " declares " + size[0] + "x" + size[1] + " pixels; at most " + maxPixels
                    + " pixels (max_image_pixels) are decoded");
        }
        try {
            return decodeChecked(encoded, what);
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) throw e;
            // OpenCV's own exceptions carry a build path and a multi-line assertion: keep only what it says
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().filter(l -> !l.isBlank())
                    .reduce((a, b) -> b).orElse("").replaceAll(".*error: \\(-?\\d+:", "(").trim();
            throw new IllegalArgumentException(what + " (" + encoded.length + " bytes) does not decode: " + m);
        }
    }

    private static RgbImage decodeChecked(byte[] encoded, String what) {
        try (BytePointer bytes = new BytePointer(encoded);
             Mat buf = new Mat(1, encoded.length, opencv_core.CV_8UC1, bytes);
             Mat bgr = opencv_imgcodecs.imdecode(buf, opencv_imgcodecs.IMREAD_COLOR)) {
            if (bgr == null || bgr.empty()) {
                throw new IllegalArgumentException(what + " (" + encoded.length + " bytes) does not decode as JPEG or PNG");
            }
            try (Mat rgb = new Mat()) {
                opencv_imgproc.cvtColor(bgr, rgb, opencv_imgproc.COLOR_BGR2RGB);
                byte[] pixels = new byte[rgb.cols() * rgb.rows() * 3];
                rgb.data().get(pixels);
                return new RgbImage(rgb.cols(), rgb.rows(), pixels);
            }
        }
    }

    /** Encodes as JPEG at the given quality (0..100). */
    public static byte[] encodeJpeg(RgbImage image, int quality) {
        return encode(image, ".jpg", new int[] {opencv_imgcodecs.IMWRITE_JPEG_QUALITY, quality});
    }

    /** Encodes as PNG (lossless). */
    public static byte[] encodePng(RgbImage image) {
        return encode(image, ".png", new int[0]);
    }

    private static byte[] encode(RgbImage image, String ext, int[] params) {
        try (BytePointer pixels = new BytePointer(image.rgb());
             Mat rgb = new Mat(image.height(), image.width(), opencv_core.CV_8UC3, pixels);
             Mat bgr = new Mat();
             BytePointer out = new BytePointer();
             IntPointer flags = new IntPointer(params)) {
            opencv_imgproc.cvtColor(rgb, bgr, opencv_imgproc.COLOR_RGB2BGR);
            if (!opencv_imgcodecs.imencode(ext, bgr, out, flags)) {
                throw new IllegalStateException("OpenCV could not encode a " + image.width() + "x" + image.height() + " image as " + ext);
            }
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }
}
