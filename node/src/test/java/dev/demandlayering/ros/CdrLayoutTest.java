package dev.demandlayering.ros;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.ros.cdr.CdrException;
import dev.demandlayering.ros.msg.DiagnosticMsgs;
import dev.demandlayering.ros.msg.SensorMsgs;
import dev.demandlayering.ros.msg.StdMsgs;
import dev.demandlayering.ros.msg.VisionMsgs;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our CDR codec against the bytes CycloneDDS produces for the same samples (node/src/test/c/cdr_dump.c):
 * decoding them gives the sample's fields, and encoding those fields gives the same bytes.
 */
class CdrLayoutTest {
    @TempDir
    static Path tmp;
    static Map<String, byte[]> peer = new HashMap<>();

    @BeforeAll
    static void dumpWithCycloneDds() throws Exception {
        Path exe = CycloneDdsPeer.build("cdr_dump", tmp);
        for (String line : CycloneDdsPeer.run(tmp, exe.toString())) {
            String[] parts = line.trim().split(" ");
            if (parts.length == 2 && parts[1].matches("[0-9a-f]+")) peer.put(parts[0], HexFormat.of().parseHex(parts[1]));
        }
        assertEquals(4, peer.size(), "cdr_dump printed " + peer.keySet());
    }

    private static final StdMsgs.Header HEADER = new StdMsgs.Header(new StdMsgs.Time(1700000000, 123456789), "camera_front");

    @Test
    void image() {
        SensorMsgs.Image img = SensorMsgs.Image.decode(peer.get("Image"));
        assertEquals(HEADER, img.header());
        assertEquals(1, img.height());
        assertEquals(2, img.width());
        assertEquals("rgb8", img.encoding());
        assertEquals(6, img.step());
        assertArrayEquals(new byte[] {1, 2, 3, (byte) 250, (byte) 251, (byte) 252}, img.data());
        assertArrayEquals(peer.get("Image"), img.encode());
    }

    @Test
    void compressedImage() {
        SensorMsgs.CompressedImage ci = SensorMsgs.CompressedImage.decode(peer.get("CompressedImage"));
        assertEquals(new StdMsgs.Header(new StdMsgs.Time(5, 7), "cam"), ci.header());
        assertEquals("jpeg", ci.format());
        assertArrayEquals(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff}, ci.data());
        assertArrayEquals(peer.get("CompressedImage"), ci.encode());
    }

    @Test
    void detection2DArray() {
        VisionMsgs.Detection2DArray a = VisionMsgs.Detection2DArray.decode(peer.get("Detection2DArray"));
        assertEquals(HEADER, a.header());
        assertEquals(1, a.detections().size());
        VisionMsgs.Detection2D d = a.detections().get(0);
        assertEquals(new VisionMsgs.BoundingBox2D(320.5, 240.25, 0, 64, 128), d.bbox());
        assertEquals("7", d.id());
        assertEquals("person", d.results().get(0).classId());
        assertEquals(0.875, d.results().get(0).score());
        assertEquals(1.0, d.results().get(0).pose().orientation()[3]);
        assertEquals(2.5, d.results().get(0).pose().covariance()[35]);
        double[] cov = new double[36];
        cov[35] = 2.5;
        VisionMsgs.Hypothesis h = new VisionMsgs.Hypothesis("person", 0.875, new VisionMsgs.PoseWithCovariance(new double[3], new double[] {0, 0, 0, 1}, cov));
        VisionMsgs.Detection2DArray mine = new VisionMsgs.Detection2DArray(HEADER,
                List.of(new VisionMsgs.Detection2D(HEADER, List.of(h), new VisionMsgs.BoundingBox2D(320.5, 240.25, 0, 64, 128), "7")));
        assertArrayEquals(peer.get("Detection2DArray"), mine.encode());
    }

    @Test
    void diagnosticArray() {
        DiagnosticMsgs.DiagnosticArray a = DiagnosticMsgs.DiagnosticArray.decode(peer.get("DiagnosticArray"));
        DiagnosticMsgs.DiagnosticStatus s = a.status().get(0);
        assertEquals(DiagnosticMsgs.WARN, s.level());
        assertEquals("demand_layering: arena", s.name());
        assertEquals(List.of(new DiagnosticMsgs.KeyValue("arena_bytes", "16777216"), new DiagnosticMsgs.KeyValue("stall_ms", "0.5")), s.values());
        assertArrayEquals(peer.get("DiagnosticArray"), a.encode());
    }

    @Test
    void truncatedAndMalformedPayloadsNameTheField() {
        byte[] full = peer.get("Image");
        CdrException cut = assertThrows(CdrException.class, () -> SensorMsgs.Image.decode(java.util.Arrays.copyOf(full, full.length - 8)));
        assertTrue(cut.getMessage().contains("sensor_msgs/Image") && cut.getMessage().contains("data"), cut.getMessage());
        byte[] lying = full.clone();
        lying[lying.length - 12] = (byte) 0xff; // the data length now claims far more bytes than follow
        CdrException big = assertThrows(CdrException.class, () -> SensorMsgs.Image.decode(lying));
        assertTrue(big.getMessage().contains("truncated"), big.getMessage());
        CdrException enc = assertThrows(CdrException.class, () -> SensorMsgs.Image.decode(new byte[] {0x00, 0x07, 0, 0, 1, 2, 3, 4}));
        assertTrue(enc.getMessage().contains("encapsulation"), enc.getMessage());
    }
}
