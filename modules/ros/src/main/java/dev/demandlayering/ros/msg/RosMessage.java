package dev.demandlayering.ros.msg;

import dev.demandlayering.ros.cdr.CdrWriter;

/** A ROS 2 message that can be put on the wire: its DDS type name and its CDR payload. */
public interface RosMessage {
    /** The DDS type name rmw uses, e.g. {@code sensor_msgs::msg::dds_::Image_}. */
    String ddsTypeName();

    void write(CdrWriter w);

    default byte[] encode() {
        CdrWriter w = new CdrWriter();
        write(w);
        return w.toByteArray();
    }

    static String ddsTypeName(String pkg, String type) {
        return pkg + "::msg::dds_::" + type + "_";
    }
}
