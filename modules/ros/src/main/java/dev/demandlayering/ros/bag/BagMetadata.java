package dev.demandlayering.ros.bag;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/** A rosbag2 bag directory's metadata.yaml: storage, files and topics (rosbag2_bagfile_information, version 5 layout). */
public record BagMetadata(String storageIdentifier, List<String> relativeFilePaths, List<BagTopic> topics, long startNanos, long durationNanos,
                          long messageCount, String compressionFormat) {
    public static final String FILE = "metadata.yaml";

    public static BagMetadata read(Path bagDir) throws IOException {
        Path f = bagDir.resolve(FILE);
        if (!Files.exists(f)) {
            throw new NoSuchFileException(f.toString(), null, "bag directory has no metadata.yaml (a rosbag2 bag directory needs one;"
                    + " or give the .mcap / .db3 file itself)");
        }
        Object doc;
        try {
            doc = new Yaml().load(Files.readString(f));
        } catch (RuntimeException e) {
            throw new BagFormatException(f + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        Map<?, ?> info = map(map(doc, f, "the document").get("rosbag2_bagfile_information"), f, "rosbag2_bagfile_information");
        String storage = string(info, "storage_identifier", f);
        List<String> paths = new ArrayList<>();
        Object rel = info.get("relative_file_paths");
        if (!(rel instanceof List<?> l) || l.isEmpty()) throw new BagFormatException(f + ": relative_file_paths must list the bag's files");
        for (Object o : l) paths.add(String.valueOf(o));
        List<BagTopic> topics = new ArrayList<>();
        Object tl = info.get("topics_with_message_count");
        if (tl instanceof List<?> list) {
            for (Object o : list) {
                Map<?, ?> t = map(o, f, "topics_with_message_count entry");
                Map<?, ?> meta = map(t.get("topic_metadata"), f, "topic_metadata");
                Object qos = meta.get("offered_qos_profiles");
                topics.add(new BagTopic(string(meta, "name", f), string(meta, "type", f),
                        meta.get("serialization_format") == null ? "cdr" : String.valueOf(meta.get("serialization_format")),
                        qos == null ? "" : String.valueOf(qos), number(t.get("message_count"))));
            }
        }
        long start = info.get("starting_time") instanceof Map<?, ?> st ? number(st.get("nanoseconds_since_epoch")) : 0;
        long duration = info.get("duration") instanceof Map<?, ?> d ? number(d.get("nanoseconds")) : 0;
        Object comp = info.get("compression_format");
        return new BagMetadata(storage, paths, topics, start, duration, number(info.get("message_count")), comp == null ? "" : String.valueOf(comp));
    }

    public void write(Path bagDir) throws IOException {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("version", 5);
        info.put("storage_identifier", storageIdentifier);
        info.put("duration", Map.of("nanoseconds", durationNanos));
        info.put("starting_time", Map.of("nanoseconds_since_epoch", startNanos));
        info.put("message_count", messageCount);
        List<Object> topicList = new ArrayList<>();
        for (BagTopic t : topics) {
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("name", t.name());
            meta.put("type", t.rosType());
            meta.put("serialization_format", t.serializationFormat());
            meta.put("offered_qos_profiles", t.offeredQosProfiles());
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("topic_metadata", meta);
            entry.put("message_count", t.messageCount());
            topicList.add(entry);
        }
        info.put("topics_with_message_count", topicList);
        info.put("compression_format", compressionFormat);
        info.put("compression_mode", "");
        info.put("relative_file_paths", relativeFilePaths);
        List<Object> files = new ArrayList<>();
        for (String p : relativeFilePaths) {
            Map<String, Object> fe = new LinkedHashMap<>();
            fe.put("path", p);
            fe.put("starting_time", Map.of("nanoseconds_since_epoch", startNanos));
            fe.put("duration", Map.of("nanoseconds", durationNanos));
            fe.put("message_count", messageCount);
            files.add(fe);
        }
        info.put("files", files);
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        o.setIndent(2);
        o.setIndicatorIndent(2);
        o.setIndentWithIndicator(true);
        // whole or not at all: a reader never meets half a metadata.yaml
        String yaml = new Yaml(o).dump(Map.of("rosbag2_bagfile_information", info));
        dev.demandlayering.runtime.io.AtomicFiles.replace(bagDir.resolve(FILE), tmp -> Files.writeString(tmp, yaml));
    }

    private static Map<?, ?> map(Object o, Path f, String what) throws BagFormatException {
        if (!(o instanceof Map<?, ?> m)) throw new BagFormatException(f + ": " + what + " must be a mapping");
        return m;
    }

    private static String string(Map<?, ?> m, String key, Path f) throws BagFormatException {
        Object v = m.get(key);
        if (v == null) throw new BagFormatException(f + ": '" + key + "' is missing");
        return String.valueOf(v);
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }
}
