package dev.demandlayering.ros.node;

import dev.demandlayering.ros.dds.Qos;

/** Where the node's output messages go: DDS writers when live, a bag's channels when replaying. */
public interface MessageSink {
    /** Declares a topic before its first message (DDS creates its writer, a bag its channel). */
    void advertise(String topic, String ddsTypeName, Qos qos, int maxMessageBytes);

    /**
     * One encoded message on an advertised topic; {@code logNanos} is when it was produced (a bag records it
     * as the log time; live transports ignore it).
     */
    void publish(String topic, byte[] cdr, long logNanos);
}
