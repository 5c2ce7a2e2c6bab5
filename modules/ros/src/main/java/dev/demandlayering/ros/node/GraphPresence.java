package dev.demandlayering.ros.node;

import dev.demandlayering.ros.dds.Qos;
import dev.demandlayering.ros.dds.RosTransport;
import dev.demandlayering.ros.msg.RmwDdsCommon;
import java.util.ArrayList;
import java.util.List;

/**
 * The node in the ROS graph, as rmw_fastrtps and rmw_cyclonedds put it there: one {@code ros_discovery_info} writer
 * per participant (reliable, transient local, keep last 1, so a tool started later still gets it) that publishes the
 * participant's gid with this node's namespace, name and the gids of its readers and writers, again whenever an
 * endpoint is added. That is what makes {@code ros2 node list}, {@code ros2 node info}, rqt_graph and {@code ros2
 * topic info -v} show the node instead of a bare DDS application.
 */
final class GraphPresence {
    private final RosTransport transport;
    private final RmwDdsCommon.GidLayout layout;
    private final String namespace, name;
    private final List<byte[]> readers = new ArrayList<>(), writers = new ArrayList<>();
    private final RosTransport.Publisher out;

    GraphPresence(RosTransport transport, RmwDdsCommon.GidLayout layout, String namespace, String name) {
        this.transport = transport;
        this.layout = layout;
        this.namespace = namespace;
        this.name = name;
        out = transport.advertiseDds(RmwDdsCommon.DISCOVERY_TOPIC, RmwDdsCommon.ParticipantEntitiesInfo.TYPE, Qos.GRAPH, 64 << 10);
    }

    synchronized void reader(byte[] gid) {
        readers.add(gid);
    }

    synchronized void writer(byte[] gid) {
        writers.add(gid);
    }

    /** The graph as it stands, published. */
    synchronized RmwDdsCommon.ParticipantEntitiesInfo publish() {
        RmwDdsCommon.ParticipantEntitiesInfo info = new RmwDdsCommon.ParticipantEntitiesInfo(layout, transport.participantGid(),
                List.of(new RmwDdsCommon.NodeEntitiesInfo(namespace, name, List.copyOf(writers), List.copyOf(readers))));
        out.publish(info.encode());
        return info;
    }
}
