package dev.demandlayering.ros.node;

/**
 * The node's ROS time, as rclcpp's clock with its time source: the system clock, or with {@code use_sim_time} the
 * last time received on /clock (a replay sets it from the bag). Simulated time that has not been received yet is
 * unknown ({@link #UNKNOWN}), not 0, so that nothing measures against the epoch.
 */
public final class NodeClock {
    public static final long UNKNOWN = Long.MIN_VALUE;
    private final boolean simulated;
    private volatile long simNanos = UNKNOWN;

    private NodeClock(boolean simulated) {
        this.simulated = simulated;
    }

    public static NodeClock system() {
        return new NodeClock(false);
    }

    public static NodeClock simulated() {
        return new NodeClock(true);
    }

    public boolean isSimulated() {
        return simulated;
    }

    /** Simulated time moves to {@code nanos} (a /clock message); ignored on the system clock. */
    public void set(long nanos) {
        if (simulated) simNanos = nanos;
    }

    /** Nanoseconds since the epoch of this clock's time, or {@link #UNKNOWN} before simulated time is received. */
    public long nowNanos() {
        return simulated ? simNanos : System.currentTimeMillis() * 1_000_000L;
    }
}
