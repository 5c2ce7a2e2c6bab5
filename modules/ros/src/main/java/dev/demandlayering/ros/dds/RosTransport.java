package dev.demandlayering.ros.dds;

import java.util.function.Consumer;

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
    }

    Publisher advertise(String topic, String ddsTypeName, Qos qos, int maxMessageBytes);

    /** Calls {@code onMessage} on a transport thread for each payload received. */
    void subscribe(String topic, String ddsTypeName, Qos qos, int maxMessageBytes, Consumer<byte[]> onMessage);

    @Override
    void close();

    /** The DDS topic name ROS 2 uses for a fully qualified ROS topic name. */
    static String ddsTopic(String rosTopic) {
        if (!rosTopic.startsWith("/")) throw new IllegalArgumentException("ROS topic '" + rosTopic + "' is not fully qualified (starts with /)");
        return "rt" + rosTopic;
    }
}
