package dev.demandlayering.ros.msg;

import dev.demandlayering.ros.cdr.CdrReader;
import dev.demandlayering.ros.cdr.CdrWriter;

/** rcl_interfaces/Log: what every node publishes on /rosout for rqt_console, Foxglove's log panel and rosbag. */
public final class RclInterfaces {
    /** rcl's topic for every node's log lines. */
    public static final String ROSOUT_TOPIC = "/rosout";

    private RclInterfaces() {
    }

    /** builtin_interfaces/Time stamp, uint8 level (DEBUG=10 ... FATAL=50), string name, msg, file, function, uint32 line. */
    public record Log(StdMsgs.Time stamp, int level, String name, String msg, String file, String function, long line) implements RosMessage {
        public static final String TYPE = RosMessage.ddsTypeName("rcl_interfaces", "Log");

        @Override
        public String ddsTypeName() {
            return TYPE;
        }

        @Override
        public void write(CdrWriter w) {
            w.i32(stamp.sec()).u32(stamp.nanosec());
            w.u8(level).string(name).string(msg).string(file).string(function).u32(line);
        }

        public static Log decode(byte[] payload) {
            CdrReader r = new CdrReader(payload, "rcl_interfaces/Log");
            StdMsgs.Time t = new StdMsgs.Time(r.i32("stamp.sec"), r.u32("stamp.nanosec"));
            return new Log(t, r.u8("level"), r.string("name"), r.string("msg"), r.string("file"), r.string("function"), r.u32("line"));
        }
    }
}
