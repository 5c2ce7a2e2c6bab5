package dev.demandlayering.ros.msg;

import dev.demandlayering.ros.cdr.CdrReader;
import dev.demandlayering.ros.cdr.CdrWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * rmw_dds_common's graph messages, what every rmw publishes on {@code ros_discovery_info} so that {@code ros2 node
 * list}, rqt_graph and {@code ros2 topic info -v} can tell which node owns which DDS endpoint: ParticipantEntitiesInfo
 * {Gid gid, NodeEntitiesInfo[] node_entities_info_seq}, NodeEntitiesInfo {string node_namespace, string node_name,
 * Gid[] writer_gid_seq, Gid[] reader_gid_seq}, Gid {char[N] data}. N is 24 up to Humble and 16 from Iron on
 * (rmw_dds_common 2.0), and the two do not read each other, so the layout is chosen by the distro ({@link GidLayout}).
 */
public final class RmwDdsCommon {
    /** The DDS topic (no {@code rt/} prefix: it is not a ROS topic). */
    public static final String DISCOVERY_TOPIC = "ros_discovery_info";

    private RmwDdsCommon() {
    }

    /** A Gid's size on the wire, by ROS distro. */
    public enum GidLayout {
        HUMBLE(24), IRON(16);

        private static final List<String> HUMBLE_DISTROS = List.of("foxy", "galactic", "humble");
        private static final List<String> IRON_DISTROS = List.of("iron", "jazzy", "kilted", "rolling");
        private static final List<String> ALL_DISTROS = java.util.stream.Stream.concat(HUMBLE_DISTROS.stream(), IRON_DISTROS.stream()).toList();

        private final int bytes;

        GidLayout(int bytes) {
            this.bytes = bytes;
        }

        public int bytes() {
            return bytes;
        }

        /**
         * The layout a distro speaks: foxy, galactic and humble 24 bytes; iron, jazzy, kilted and rolling 16; empty
         * means jazzy. An unknown name is an error that lists the known ones.
         */
        public static GidLayout forDistro(String distro) {
            String d = distro == null ? "" : distro.trim().toLowerCase(Locale.ROOT);
            if (d.isEmpty()) return IRON;
            if (HUMBLE_DISTROS.contains(d)) return HUMBLE;
            if (IRON_DISTROS.contains(d)) return IRON;
            throw new IllegalArgumentException("ROS distro '" + distro + "' is not known (" + String.join(", ", HUMBLE_DISTROS) + ": 24-byte gids; "
                    + String.join(", ", IRON_DISTROS) + ": 16-byte gids)");
        }

        /** Every distro name {@link #forDistro} knows, oldest first. */
        public static List<String> distros() {
            return ALL_DISTROS;
        }
    }

    public record NodeEntitiesInfo(String nodeNamespace, String nodeName, List<byte[]> writerGids, List<byte[]> readerGids) {
    }

    public record ParticipantEntitiesInfo(GidLayout layout, byte[] gid, List<NodeEntitiesInfo> nodes) implements RosMessage {
        public static final String TYPE = RosMessage.ddsTypeName("rmw_dds_common", "ParticipantEntitiesInfo");

        @Override
        public String ddsTypeName() {
            return TYPE;
        }

        @Override
        public void write(CdrWriter w) {
            gid(w, gid);
            w.u32(nodes.size());
            for (NodeEntitiesInfo n : nodes) {
                w.string(n.nodeNamespace()).string(n.nodeName());
                w.u32(n.writerGids().size());
                for (byte[] g : n.writerGids()) gid(w, g);
                w.u32(n.readerGids().size());
                for (byte[] g : n.readerGids()) gid(w, g);
            }
        }

        /** A DDS GUID (16 bytes) as a gid of this layout: the GUID, then zeros (rmw_fastrtps and rmw_cyclonedds alike). */
        private void gid(CdrWriter w, byte[] guid) {
            for (int i = 0; i < layout.bytes(); i++) w.u8(i < guid.length ? guid[i] & 0xff : 0);
        }

        public static ParticipantEntitiesInfo decode(byte[] payload, GidLayout layout) {
            CdrReader r = new CdrReader(payload, "rmw_dds_common/ParticipantEntitiesInfo");
            byte[] gid = readGid(r, layout);
            int n = r.count("node_entities_info_seq", 16);
            List<NodeEntitiesInfo> nodes = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String ns = r.string("node_namespace"), name = r.string("node_name");
                List<byte[]> writers = gids(r, layout, "writer_gid_seq"), readers = gids(r, layout, "reader_gid_seq");
                nodes.add(new NodeEntitiesInfo(ns, name, writers, readers));
            }
            return new ParticipantEntitiesInfo(layout, gid, nodes);
        }

        private static List<byte[]> gids(CdrReader r, GidLayout layout, String field) {
            int n = r.count(field, layout.bytes());
            List<byte[]> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) out.add(readGid(r, layout));
            return out;
        }

        private static byte[] readGid(CdrReader r, GidLayout layout) {
            byte[] g = new byte[layout.bytes()];
            for (int i = 0; i < g.length; i++) g[i] = (byte) r.u8("gid.data");
            return g;
        }
    }
}
