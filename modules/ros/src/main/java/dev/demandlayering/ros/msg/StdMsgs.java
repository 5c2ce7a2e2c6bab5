package dev.demandlayering.ros.msg;

import dev.demandlayering.ros.cdr.CdrReader;
import dev.demandlayering.ros.cdr.CdrWriter;

/** builtin_interfaces/Time and std_msgs/Header, field by field as the ROS definitions order them. */
public final class StdMsgs {
    private StdMsgs() {
    }

    /** builtin_interfaces/Time: int32 sec, uint32 nanosec. */
    public record Time(int sec, long nanosec) {
        public static Time ofNanos(long nanos) {
            return new Time((int) Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
        }

        public long toNanos() {
            return sec * 1_000_000_000L + nanosec;
        }

        void write(CdrWriter w) {
            w.i32(sec).u32(nanosec);
        }

        static Time read(CdrReader r) {
            return new Time(r.i32("stamp.sec"), r.u32("stamp.nanosec"));
        }
    }

    /** std_msgs/Header: builtin_interfaces/Time stamp, string frame_id. */
    public record Header(Time stamp, String frameId) {
        public void write(CdrWriter w) {
            stamp.write(w);
            w.string(frameId);
        }

        public static Header read(CdrReader r) {
            return new Header(Time.read(r), r.string("header.frame_id"));
        }
    }
}
