package dev.demandlayering.ros.dds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** rcl's discovery variables, read as rcl reads them (DiscoveryRangeIT checks what the transport does with them). */
class DiscoveryRangeTest {
    @Test
    void rangeStaticPeersAndTheOldLocalhostOnly() {
        assertEquals(DiscoveryRange.Range.SUBNET, DiscoveryRange.fromEnvironment(Map.of()).range());
        assertTrue(DiscoveryRange.fromEnvironment(Map.of("ROS_LOCALHOST_ONLY", "1")).localhostOnly());
        DiscoveryRange both = DiscoveryRange.fromEnvironment(Map.of("ROS_LOCALHOST_ONLY", "1", "ROS_AUTOMATIC_DISCOVERY_RANGE", "subnet"));
        assertEquals(DiscoveryRange.Range.SUBNET, both.range(), "the range wins");
        assertEquals(List.of("ROS_LOCALHOST_ONLY=1 is ignored: ROS_AUTOMATIC_DISCOVERY_RANGE=SUBNET is set"), both.notes());
        assertEquals(List.of("192.168.1.7", "robot-2.local"),
                DiscoveryRange.fromEnvironment(Map.of("ROS_STATIC_PEERS", " 192.168.1.7;;robot-2.local ")).staticPeers());
    }

    @Test
    void whatTheTransportCannotDoIsRefused() {
        assertEquals("ROS_AUTOMATIC_DISCOVERY_RANGE='lan' is not one of SUBNET, LOCALHOST, SYSTEM_DEFAULT, OFF",
                assertThrows(IllegalArgumentException.class, () -> DiscoveryRange.fromEnvironment(Map.of("ROS_AUTOMATIC_DISCOVERY_RANGE", "lan"))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DiscoveryRange.fromEnvironment(Map.of("ROS_AUTOMATIC_DISCOVERY_RANGE", "OFF")))
                .getMessage().startsWith("ROS_AUTOMATIC_DISCOVERY_RANGE=OFF is not supported"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DiscoveryRange.fromEnvironment(Map.of("ROS_AUTOMATIC_DISCOVERY_RANGE", "LOCALHOST",
                "ROS_STATIC_PEERS", "10.0.0.2"))).getMessage().startsWith("ROS_STATIC_PEERS with a LOCALHOST discovery range is not supported"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DiscoveryRange.fromEnvironment(Map.of("ROS_STATIC_PEERS", "10.0.0.2:7400")))
                .getMessage().contains("'10.0.0.2:7400' is not an IPv4 address or host name"));
    }
}
