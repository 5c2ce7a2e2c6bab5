package dev.demandlayering.ros.dds;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * How the node talks to other ROS 2 processes: publish and subscribe encoded CDR payloads on ROS topics
 * under their DDS type names. Implementations map ROS names to DDS topics ("/a/b" -> "rt/a/b").
 */
public interface RosTransport extends AutoCloseable {
    /** Something that sends payloads on one topic. */
    interface Publisher {
        void publish(byte[] cdr);

        /** How many remote subscriptions have matched (for tests and start-up logs). */
        int matchedSubscriptions();

        /** The writer's DDS GUID (16 bytes: the participant's prefix, then the entity id), what rmw calls its gid. */
        byte[] gid();
    }

    /** A writer on the ROS topic {@code topic} ({@code rt/...}). */
    default Publisher advertise(String topic, String ddsTypeName, Qos qos, int maxMessageBytes) {
        return advertiseDds(ddsTopic(topic), ddsTypeName, qos, maxMessageBytes);
    }

    /** A writer on a DDS topic named as it is (ros_discovery_info has no {@code rt/} prefix). */
    Publisher advertiseDds(String ddsTopic, String ddsTypeName, Qos qos, int maxMessageBytes);

    /** Calls {@code onMessage} on a transport thread for each payload received; returns the reader's GUID (16 bytes). */
    byte[] subscribe(String topic, String ddsTypeName, Qos qos, int maxMessageBytes, Consumer<byte[]> onMessage);

    /**
     * Serves the ROS 2 service {@code service} (fully qualified, {@code /robot/perception/get_parameters}) the way
     * rmw maps services onto DDS: requests read from {@code rq<service>Request}, replies written on
     * {@code rr<service>Reply} (reliable, keep last 10), each reply carrying what the client needs to match it to
     * its request. {@code handler} gets a request's CDR and returns the response's (both plain messages). Returns the
     * request reader's and the reply writer's gids.
     */
    List<byte[]> serve(String service, String requestType, String responseType, Function<byte[], byte[]> handler);

    /** This participant's GUID (its prefix and the participant entity id), what rmw calls the participant's gid. */
    byte[] participantGid();

    @Override
    void close();

    /** The DDS topic name ROS 2 uses for a fully qualified ROS topic name. */
    static String ddsTopic(String rosTopic) {
        if (!rosTopic.startsWith("/")) throw new IllegalArgumentException("ROS topic '" + rosTopic + "' is not fully qualified (starts with /)");
        return "rt" + rosTopic;
    }
}
