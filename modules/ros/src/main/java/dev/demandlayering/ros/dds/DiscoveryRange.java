package dev.demandlayering.ros.dds;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How far the node looks for peers, read as rcl reads it: {@code ROS_AUTOMATIC_DISCOVERY_RANGE} (SUBNET, the default;
 * LOCALHOST; SYSTEM_DEFAULT; OFF), {@code ROS_STATIC_PEERS} (addresses separated by ';', always tried) and the older
 * {@code ROS_LOCALHOST_ONLY=1} (LOCALHOST, when the range is not set). {@link FastDdsTransport} applies it: LOCALHOST
 * restricts the transport to the loopback interface (Fast-DDS's interface whitelist, as rmw_fastrtps does for
 * localhost-only), so nothing is sent or received on another interface; static peers are added to the initial peers
 * beside the default multicast one. OFF, and static peers with LOCALHOST, are refused with a clear error: the
 * transport here cannot express them without leaving the node discoverable or unreachable.
 */
public record DiscoveryRange(Range range, List<String> staticPeers, List<String> notes) {
    public enum Range { SUBNET, LOCALHOST, SYSTEM_DEFAULT, OFF }

    public static DiscoveryRange fromEnvironment(Map<String, String> env) {
        List<String> notes = new ArrayList<>();
        String rangeText = env.getOrDefault("ROS_AUTOMATIC_DISCOVERY_RANGE", "").trim();
        String localhostOnly = env.getOrDefault("ROS_LOCALHOST_ONLY", "").trim();
        Range range;
        if (rangeText.isEmpty()) {
            range = localhostOnly.equals("1") ? Range.LOCALHOST : Range.SUBNET;
            if (localhostOnly.equals("1")) notes.add("ROS_LOCALHOST_ONLY=1: discovery on localhost only (ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST replaces it from Iron on)");
        } else {
            try {
                range = Range.valueOf(rangeText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ROS_AUTOMATIC_DISCOVERY_RANGE='" + rangeText + "' is not one of SUBNET, LOCALHOST, SYSTEM_DEFAULT, OFF");
            }
            if (localhostOnly.equals("1")) notes.add("ROS_LOCALHOST_ONLY=1 is ignored: ROS_AUTOMATIC_DISCOVERY_RANGE=" + range + " is set");
        }
        List<String> peers = new ArrayList<>();
        for (String p : env.getOrDefault("ROS_STATIC_PEERS", "").split(";")) {
            String peer = p.trim();
            if (peer.isEmpty()) continue;
            if (!peer.matches("[A-Za-z0-9.\\-]+")) {
                throw new IllegalArgumentException("ROS_STATIC_PEERS: '" + peer + "' is not an IPv4 address or host name (peers are separated by ';')");
            }
            peers.add(peer);
        }
        if (peers.size() > 32) throw new IllegalArgumentException("ROS_STATIC_PEERS names " + peers.size() + " peers; at most 32, as rcl allows");
        if (range == Range.OFF) {
            throw new IllegalArgumentException("ROS_AUTOMATIC_DISCOVERY_RANGE=OFF is not supported by this node's DDS transport (it cannot turn discovery off "
                    + "and keep static peers); use LOCALHOST to keep it on this machine");
        }
        if (range == Range.LOCALHOST && !peers.isEmpty()) {
            throw new IllegalArgumentException("ROS_STATIC_PEERS with a LOCALHOST discovery range is not supported by this node's DDS transport (it is "
                    + "restricted to the loopback interface); use SUBNET with the static peers, or LOCALHOST without them");
        }
        return new DiscoveryRange(range, List.copyOf(peers), List.copyOf(notes));
    }

    /** Whether the transport must stay on the loopback interface. */
    public boolean localhostOnly() {
        return range == Range.LOCALHOST;
    }
}
