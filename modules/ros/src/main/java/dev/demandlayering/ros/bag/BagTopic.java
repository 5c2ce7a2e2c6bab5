package dev.demandlayering.ros.bag;

/** A topic of a bag as rosbag2 describes it (metadata.yaml, the sqlite3 topics table, an MCAP channel). */
public record BagTopic(String name, String rosType, String serializationFormat, String offeredQosProfiles, long messageCount) {
    public BagTopic withCount(long count) {
        return new BagTopic(name, rosType, serializationFormat, offeredQosProfiles, count);
    }
}
