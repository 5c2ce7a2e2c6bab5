package dev.demandlayering.ros.dds;

import java.io.IOException;
import us.ihmc.idl.CDR;
import us.ihmc.idl.InterchangeSerializer;
import us.ihmc.pubsub.TopicDataType;
import us.ihmc.pubsub.common.SerializedPayload;

/**
 * A Fast-DDS topic type whose samples are already-encoded CDR payloads (encapsulation header included):
 * our own codec does the (de)serialisation, so any ROS message type can be carried under its DDS type name,
 * with a maximum size fit for the topic (camera images need megabytes, not the generated types' 100 bytes).
 */
final class RawCdrType implements TopicDataType<RawCdrType.Sample> {
    /** One payload; {@code length} bytes of {@code data} are valid. */
    static final class Sample {
        byte[] data = new byte[0];
        int length;
    }

    private final String name;
    private final int maxSize;

    RawCdrType(String ddsTypeName, int maxSize) {
        this.name = ddsTypeName;
        this.maxSize = maxSize;
    }

    @Override
    public void serialize(Sample s, SerializedPayload payload) throws IOException {
        if (s.length > maxSize) throw new IOException(name + ": message of " + s.length + " bytes exceeds the topic's maximum of " + maxSize);
        payload.getData().clear();
        payload.getData().put(s.data, 0, s.length);
        payload.getData().flip();
        payload.setLength(s.length);
    }

    @Override
    public void deserialize(SerializedPayload payload, Sample s) throws IOException {
        int len = payload.getLength();
        if (s.data.length < len) s.data = new byte[len];
        payload.getData().position(0);
        payload.getData().get(s.data, 0, len);
        s.length = len;
    }

    @Override
    public void serialize(Sample s, InterchangeSerializer ser) {
        throw new UnsupportedOperationException("raw CDR samples have no interchange form");
    }

    @Override
    public void deserialize(InterchangeSerializer ser, Sample s) {
        throw new UnsupportedOperationException("raw CDR samples have no interchange form");
    }

    @Override
    public void serialize(Sample s, CDR cdr) {
        throw new UnsupportedOperationException("raw CDR samples are written whole");
    }

    @Override
    public void deserialize(Sample s, CDR cdr) {
        throw new UnsupportedOperationException("raw CDR samples are read whole");
    }

    @Override
    public void copy(Sample src, Sample dst) {
        dst.data = java.util.Arrays.copyOf(src.data, src.length);
        dst.length = src.length;
    }

    @Override
    public int getTypeSize() {
        return maxSize;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public Sample createData() {
        return new Sample();
    }

    @Override
    public TopicDataType<Sample> newInstance() {
        return new RawCdrType(name, maxSize);
    }
}
