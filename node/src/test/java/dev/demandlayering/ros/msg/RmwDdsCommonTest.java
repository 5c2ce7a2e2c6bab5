package dev.demandlayering.ros.msg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ros_discovery_info's two layouts, byte for byte (GraphPresenceIT reads them with CycloneDDS). */
class RmwDdsCommonTest {
    static byte[] guid(int seed) {
        byte[] g = new byte[16];
        for (int i = 0; i < 16; i++) g[i] = (byte) (seed + i);
        return g;
    }

    @Test
    void gidsAre16BytesFromIronOnAnd24UpToHumble() {
        for (RmwDdsCommon.GidLayout layout : RmwDdsCommon.GidLayout.values()) {
            RmwDdsCommon.ParticipantEntitiesInfo info = new RmwDdsCommon.ParticipantEntitiesInfo(layout, guid(1),
                    List.of(new RmwDdsCommon.NodeEntitiesInfo("/robot", "perception", List.of(guid(20), guid(40)), List.of(guid(60)))));
            byte[] cdr = info.encode();
            int n = layout.bytes();
            // header 4, gid, count 4, "/robot" (4+7, padded to 12), "perception" (4+11, to 16), writers 4 + 2 gids, readers 4 + 1 gid
            int expected = 4 + n + 4 + 12 + 16 + 4 + 2 * n + 4 + n;
            assertEquals(expected + (4 - expected % 4) % 4, cdr.length, layout.toString());
            RmwDdsCommon.ParticipantEntitiesInfo back = RmwDdsCommon.ParticipantEntitiesInfo.decode(cdr, layout);
            assertArrayEquals(Arrays.copyOf(guid(1), n), back.gid(), "the GUID, then zeros");
            assertEquals("perception", back.nodes().get(0).nodeName());
            assertArrayEquals(Arrays.copyOf(guid(40), n), back.nodes().get(0).writerGids().get(1));
            assertArrayEquals(Arrays.copyOf(guid(60), n), back.nodes().get(0).readerGids().get(0));
        }
    }

    @Test
    void theDistroChoosesTheLayout() {
        assertEquals(RmwDdsCommon.GidLayout.HUMBLE, RmwDdsCommon.GidLayout.forDistro("humble"));
        assertEquals(RmwDdsCommon.GidLayout.IRON, RmwDdsCommon.GidLayout.forDistro("Jazzy"));
        assertEquals(RmwDdsCommon.GidLayout.IRON, RmwDdsCommon.GidLayout.forDistro(""), "no ROS_DISTRO: jazzy");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RmwDdsCommon.GidLayout.forDistro("lunar"));
        assertEquals("ROS distro 'lunar' is not known (foxy, galactic, humble: 24-byte gids; iron, jazzy, kilted, rolling: 16-byte gids)", e.getMessage());
    }
}
