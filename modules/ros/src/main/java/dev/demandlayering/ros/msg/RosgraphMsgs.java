package dev.demandlayering.ros.msg;

import dev.demandlayering.ros.cdr.CdrReader;
import dev.demandlayering.ros.cdr.CdrWriter;

/** rosgraph_msgs/Clock {builtin_interfaces/Time clock}: simulated time, as {@code ros2 bag play --clock} and simulators publish it on /clock. */
public final class RosgraphMsgs {
    /** The topic rclcpp's time source reads when use_sim_time is true. */
    public static final String CLOCK_TOPIC = "/clock";

    private RosgraphMsgs() {
    }

    public record Clock(StdMsgs.Time clock) implements RosMessage {
        public static final String TYPE = RosMessage.ddsTypeName("rosgraph_msgs", "Clock");

        @Override
        public String ddsTypeName() {
            return TYPE;
        }

        @Override
        public void write(CdrWriter w) {
            clock.write(w);
        }

        public static Clock decode(byte[] payload) {
            CdrReader r = new CdrReader(payload, "rosgraph_msgs/Clock");
            return new Clock(new StdMsgs.Time(r.i32("clock.sec"), r.u32("clock.nanosec")));
        }
    }
}
