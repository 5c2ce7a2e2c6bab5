package dev.demandlayering.ros.dds;

/**
 * The QoS a topic endpoint asks for, in ROS 2 terms. {@link #SENSOR_DATA} is rclcpp's sensor-data profile
 * (best effort, keep last 5 there; keep last 1 here so the newest frame always wins), {@link #RELIABLE}
 * the default profile (reliable, keep last 10), {@link #GRAPH} the one rmw uses for ros_discovery_info
 * (reliable, transient local, keep last 1: a late joiner gets the last state), {@link #ROSOUT} rcl's for /rosout.
 */
public record Qos(boolean reliable, int depth, boolean transientLocal) {
    public static final Qos SENSOR_DATA = new Qos(false, 1);
    public static final Qos RELIABLE = new Qos(true, 10);
    public static final Qos GRAPH = new Qos(true, 1, true);
    /** rcl's /rosout profile: reliable, transient local, keep last 1000 (rcl also sets a 10 s lifespan; not here). */
    public static final Qos ROSOUT = new Qos(true, 1000, true);

    /** A volatile endpoint's QoS. */
    public Qos(boolean reliable, int depth) {
        this(reliable, depth, false);
    }
}
