package dev.demandlayering.ros.dds;

/**
 * The QoS a topic endpoint asks for, in ROS 2 terms. {@link #SENSOR_DATA} is rclcpp's sensor-data profile
 * (best effort, keep last 5 there; keep last 1 here so the newest frame always wins), {@link #RELIABLE}
 * the default profile (reliable, keep last 10).
 */
public record Qos(boolean reliable, int depth) {
    public static final Qos SENSOR_DATA = new Qos(false, 1);
    public static final Qos RELIABLE = new Qos(true, 10);
}
