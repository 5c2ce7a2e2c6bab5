package dev.demandlayering.perception;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.TestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCodecTest {
    private static final Path PHOTO = TestRepo.cache().resolve("data/messi5.jpg");

    /** Debian's OpenCV (python3-opencv, a separate build and libjpeg) decodes the same photo to (nearly) the same pixels. */
    @Test
    void realJpegDecodesLikeAnIndependentOpenCv(@TempDir Path tmp) throws Exception {
        RgbImage ours = ImageCodec.decode(Files.readAllBytes(PHOTO), "messi5.jpg");
        Path raw = tmp.resolve("rgb.bin");
        Process p = new ProcessBuilder("/usr/bin/python3", "-c",
                "import cv2,sys; im=cv2.imread(sys.argv[1]); print(im.shape[1], im.shape[0]);"
                        + " open(sys.argv[2],'wb').write(cv2.cvtColor(im, cv2.COLOR_BGR2RGB).tobytes())",
                PHOTO.toString(), raw.toString()).redirectErrorStream(true).start();
        String size = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor(), size);
        assertEquals(ours.width() + " " + ours.height(), size);
        byte[] theirs = Files.readAllBytes(raw);
        assertEquals(theirs.length, ours.rgb().length);
        long sumAbs = 0;
        int maxAbs = 0;
        for (int i = 0; i < theirs.length; i++) {
            int d = Math.abs((theirs[i] & 0xff) - (ours.rgb()[i] & 0xff));
            sumAbs += d;
            maxAbs = Math.max(maxAbs, d);
        }
        double mean = (double) sumAbs / theirs.length;
        // libjpeg-turbo versions may round the IDCT differently; the picture itself must be the same
        assertTrue(mean < 0.5 && maxAbs <= 8, "mean |diff| " + mean + ", max " + maxAbs);
    }

    @Test
    void pngRoundTripIsExactAndJpegIsClose() throws Exception {
        RgbImage photo = ImageCodec.decode(Files.readAllBytes(PHOTO), "messi5.jpg");
        RgbImage png = ImageCodec.decode(ImageCodec.encodePng(photo), "png");
        assertArrayEquals(photo.rgb(), png.rgb());
        byte[] jpeg = ImageCodec.encodeJpeg(photo, 95);
        assertTrue(jpeg[0] == (byte) 0xFF && jpeg[1] == (byte) 0xD8, "JPEG SOI marker");
        RgbImage back = ImageCodec.decode(jpeg, "jpeg");
        long sum = 0;
        for (int i = 0; i < photo.rgb().length; i++) sum += Math.abs((photo.rgb()[i] & 0xff) - (back.rgb()[i] & 0xff));
        assertTrue((double) sum / photo.rgb().length < 3, "JPEG q95 mean |diff| " + (double) sum / photo.rgb().length);
    }

    @Test
    void garbageAndEmptyInputsSayWhatFailed() {
        IllegalArgumentException garbage = assertThrows(IllegalArgumentException.class,
                () -> ImageCodec.decode(new byte[] {1, 2, 3}, "frame 7"));
        assertEquals("frame 7 (3 bytes) is not a JPEG or PNG stream (no image header)", garbage.getMessage());
        // a real PNG header on a cut stream: OpenCV's failure in one line, without its build path
        byte[] png = ImageCodec.encodePng(new RgbImage(64, 48, new byte[64 * 48 * 3]));
        IllegalArgumentException cut = assertThrows(IllegalArgumentException.class,
                () -> ImageCodec.decode(java.util.Arrays.copyOf(png, 40), "frame 9"));
        assertTrue(cut.getMessage().startsWith("frame 9 (40 bytes) does not decode"), cut.getMessage());
        assertTrue(!cut.getMessage().contains("\n") && !cut.getMessage().contains(".cpp"), cut.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> ImageCodec.decode(new byte[0], "frame 8"));
        assertEquals("frame 8 is empty", empty.getMessage());
    }

    /** The size a header declares is checked before any pixel is decoded: a small PNG claiming 100000 x 100000 is refused at once. */
    @Test
    void anImageLargerThanTheLimitIsRefusedFromItsHeader() throws Exception {
        byte[] huge = TestImages.pngClaiming(100_000, 100_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageCodec.decode(huge, "x.png"));
        assertEquals("x.png declares 100000x100000 pixels; at most 100000000 pixels (max_image_pixels) are decoded", e.getMessage());
        byte[] jpeg = ImageCodec.encodeJpeg(new RgbImage(300, 200, new byte[300 * 200 * 3]), 90);
        assertEquals(List.of(300L, 200L), java.util.Arrays.stream(ImageHeader.size(jpeg)).boxed().toList());
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class, () -> ImageCodec.decode(jpeg, "y.jpg", 50_000));
        assertTrue(small.getMessage().contains("declares 300x200 pixels; at most 50000"), small.getMessage());
        assertEquals(300, ImageCodec.decode(jpeg, "y.jpg", 60_000).width());
    }
}
