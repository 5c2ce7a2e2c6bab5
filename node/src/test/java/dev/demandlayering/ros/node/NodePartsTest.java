package dev.demandlayering.ros.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.perception.RgbImage;
import dev.demandlayering.ros.msg.SensorMsgs;
import dev.demandlayering.ros.msg.StdMsgs;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodePartsTest {
    private static final StdMsgs.Header H = new StdMsgs.Header(new StdMsgs.Time(1, 2), "cam");

    @Test
    void rgbBgrAndMonoWithRowPaddingDecodeToTheSamePixels() {
        // 2x2 image, rows padded to 8 bytes
        byte[] rgb = {10, 20, 30, 40, 50, 60, 0, 0, 70, 80, 90, 100, 110, 120, 0, 0};
        byte[] bgr = {30, 20, 10, 60, 50, 40, 0, 0, 90, 80, 70, 120, 110, 100, 0, 0};
        RgbImage a = ImageDecoder.decode(new SensorMsgs.Image(H, 2, 2, "rgb8", 0, 8, rgb), 100_000_000L);
        RgbImage b = ImageDecoder.decode(new SensorMsgs.Image(H, 2, 2, "bgr8", 0, 8, bgr), 100_000_000L);
        assertArrayEquals(new byte[] {10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120}, a.rgb());
        assertArrayEquals(a.rgb(), b.rgb());
        RgbImage mono = ImageDecoder.decode(new SensorMsgs.Image(H, 1, 2, "mono8", 0, 2, new byte[] {7, 9}), 100_000_000L);
        assertArrayEquals(new byte[] {7, 7, 7, 9, 9, 9}, mono.rgb());
    }

    @Test
    void unsupportedEncodingsAndShortDataAreRefusedWithTheReason() {
        IllegalArgumentException enc = assertThrows(IllegalArgumentException.class,
                () -> ImageDecoder.decode(new SensorMsgs.Image(H, 2, 2, "yuv422", 0, 4, new byte[8]), 100_000_000L));
        assertTrue(enc.getMessage().contains("encoding 'yuv422' is not supported (rgb8, bgr8, mono8)"), enc.getMessage());
        IllegalArgumentException shortData = assertThrows(IllegalArgumentException.class,
                () -> ImageDecoder.decode(new SensorMsgs.Image(H, 4, 4, "rgb8", 0, 12, new byte[40]), 100_000_000L));
        assertTrue(shortData.getMessage().contains("needs 48 bytes, message has 40"), shortData.getMessage());
        IllegalArgumentException step = assertThrows(IllegalArgumentException.class,
                () -> ImageDecoder.decode(new SensorMsgs.Image(H, 4, 4, "rgb8", 0, 5, new byte[48]), 100_000_000L));
        assertTrue(step.getMessage().contains("step 5 is shorter than a row of 12 bytes"), step.getMessage());
        IllegalArgumentException garbage = assertThrows(IllegalArgumentException.class,
                () -> ImageDecoder.decode(new SensorMsgs.CompressedImage(H, "jpeg", new byte[] {1, 2, 3}), 100_000_000L));
        assertTrue(garbage.getMessage().contains("is not a JPEG or PNG stream"), garbage.getMessage());
    }

    @Test
    void compressedPngDecodes() throws Exception {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        img.setRGB(2, 1, 0x112233);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        RgbImage d = ImageDecoder.decode(new SensorMsgs.CompressedImage(H, "png", png.toByteArray()), 100_000_000L);
        assertEquals(3, d.width());
        assertEquals(0x11, d.at(2, 1, 0));
        assertEquals(0x33, d.at(2, 1, 2));
    }

    @Test
    void newestFrameWinsAndDropsAreCounted() throws Exception {
        CameraMailbox<String> box = new CameraMailbox<>(List.of("/cam"));
        box.offer("/cam", "a");
        box.offer("/cam", "b");
        box.offer("/cam", "c");
        assertEquals("c", box.take());
        assertEquals(2, box.dropped());
        box.offer("/cam", "d");
        assertEquals("d", box.take());
        assertEquals(2, box.dropped());
        box.close();
        assertNull(box.take());
    }

    @Test
    void camerasAreServedInTurnSoAFastOneCannotStarveASlowOne() throws Exception {
        CameraMailbox<String> box = new CameraMailbox<>(List.of("/front", "/rear"));
        box.offer("/front", "f1");
        box.offer("/rear", "r1");
        assertEquals("f1", box.take());
        box.offer("/front", "f2"); // front is fast: it has a new frame before rear's is taken
        assertEquals("r1", box.take());
        assertEquals("f2", box.take());
        box.offer("/front", "f3");
        box.offer("/front", "f4");
        assertEquals(Map.of("/front", 1L, "/rear", 0L), box.droppedByCamera());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> box.offer("/side", "x"));
        assertTrue(unknown.getMessage().contains("camera '/side' has no slot"), unknown.getMessage());
    }

    @Test
    void perCameraOutputsGoUnderTheCamerasNamespace() {
        assertEquals("/front", FrameProcessor.cameraNamespace("/front/image_raw"));
        assertEquals("/car/front", FrameProcessor.cameraNamespace("/car/front/image_raw/compressed"));
        assertEquals("", FrameProcessor.cameraNamespace("/image_raw"));
        assertEquals(SensorMsgs.CompressedImage.TYPE, FrameProcessor.cameraType("/front/image_raw/compressed"));
        assertEquals(SensorMsgs.Image.TYPE, FrameProcessor.cameraType("/front/image_raw"));
    }

    /** SROS2 as rcl reads it: Enforce stops a node that cannot secure itself; Permissive and no security run. */
    @Test
    void securityEnforcedIsRefusedWithTheWayOut() {
        dev.demandlayering.ros.params.RosArgs args = dev.demandlayering.ros.params.RosArgs.parse(new String[] {"--ros-args", "-e", "/robot"}, "n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PerceptionNode.checkSecurity(args, Map.of("ROS_SECURITY_ENABLE", "true", "ROS_SECURITY_STRATEGY", "Enforce")));
        assertEquals("ROS_SECURITY_ENABLE=true with ROS_SECURITY_STRATEGY=Enforce (enclave /robot): this node has no DDS security (SROS2) and will "
                + "not run unsecured; unset ROS_SECURITY_ENABLE or set ROS_SECURITY_STRATEGY=Permissive", e.getMessage());
        PerceptionNode.checkSecurity(args, Map.of("ROS_SECURITY_ENABLE", "true", "ROS_SECURITY_STRATEGY", "Permissive"));
        PerceptionNode.checkSecurity(args, Map.of("ROS_SECURITY_STRATEGY", "Enforce")); // security not enabled: the enclave means nothing
    }

    /** Simulated time is unknown until /clock says it; the system clock is always known. */
    @Test
    void theNodesClock() {
        NodeClock sim = NodeClock.simulated();
        assertEquals(NodeClock.UNKNOWN, sim.nowNanos());
        sim.set(42L);
        assertEquals(42L, sim.nowNanos());
        NodeClock wall = NodeClock.system();
        wall.set(42L);
        assertTrue(Math.abs(wall.nowNanos() - System.currentTimeMillis() * 1_000_000L) < 5_000_000_000L);
    }
}
