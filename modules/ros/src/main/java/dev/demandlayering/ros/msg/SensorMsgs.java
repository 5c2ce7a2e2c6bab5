package dev.demandlayering.ros.msg;

import dev.demandlayering.ros.cdr.CdrReader;
import dev.demandlayering.ros.cdr.CdrWriter;

/** sensor_msgs/Image and sensor_msgs/CompressedImage. */
public final class SensorMsgs {
    private SensorMsgs() {
    }

    /** sensor_msgs/Image: header, uint32 height, uint32 width, string encoding, uint8 is_bigendian, uint32 step, uint8[] data. */
    public record Image(StdMsgs.Header header, long height, long width, String encoding, int isBigendian, long step, byte[] data)
            implements RosMessage {
        public static final String TYPE = RosMessage.ddsTypeName("sensor_msgs", "Image");

        @Override
        public String ddsTypeName() {
            return TYPE;
        }

        @Override
        public void write(CdrWriter w) {
            header.write(w);
            w.u32(height).u32(width).string(encoding).u8(isBigendian).u32(step).bytes(data, 0, data.length);
        }

        public static Image decode(byte[] payload) {
            CdrReader r = new CdrReader(payload, "sensor_msgs/Image");
            return new Image(StdMsgs.Header.read(r), r.u32("height"), r.u32("width"), r.string("encoding"), r.u8("is_bigendian"),
                    r.u32("step"), r.bytes("data"));
        }
    }

    /** sensor_msgs/CompressedImage: header, string format, uint8[] data. */
    public record CompressedImage(StdMsgs.Header header, String format, byte[] data) implements RosMessage {
        public static final String TYPE = RosMessage.ddsTypeName("sensor_msgs", "CompressedImage");

        @Override
        public String ddsTypeName() {
            return TYPE;
        }

        @Override
        public void write(CdrWriter w) {
            header.write(w);
            w.string(format).bytes(data, 0, data.length);
        }

        public static CompressedImage decode(byte[] payload) {
            CdrReader r = new CdrReader(payload, "sensor_msgs/CompressedImage");
            return new CompressedImage(StdMsgs.Header.read(r), r.string("format"), r.bytes("data"));
        }
    }
}
