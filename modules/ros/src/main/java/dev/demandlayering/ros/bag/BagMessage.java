package dev.demandlayering.ros.bag;

/** One serialized (CDR) message of a bag: its topic and ROS type ("sensor_msgs/msg/Image"), when it was logged and published. */
public record BagMessage(String topic, String rosType, long logTimeNanos, long publishTimeNanos, byte[] data) {
}
