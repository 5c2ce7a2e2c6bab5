package dev.demandlayering.ros.bag;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A rosbag2 bag to read: a bag directory (metadata.yaml naming its .mcap or .db3 files, as {@code ros2 bag
 * record} writes it) or a single .mcap or .db3 file. Messages come file by file in each file's order.
 */
public final class RosBag {
    private final Path path;
    private final String storage;
    private final List<Path> files;
    private final BagMetadata metadata;
    private final List<String> notes;

    private RosBag(Path path, String storage, List<Path> files, BagMetadata metadata, List<String> notes) {
        this.path = path;
        this.storage = storage;
        this.files = files;
        this.metadata = metadata;
        this.notes = notes;
    }

    public static RosBag open(Path path) throws IOException {
        if (!Files.exists(path)) throw new NoSuchFileException(path.toString(), null, "bag not found");
        if (Files.isDirectory(path)) {
            if (!Files.exists(path.resolve(BagMetadata.FILE))) return unfinished(path);
            BagMetadata m = BagMetadata.read(path);
            if (!m.compressionFormat().isEmpty()) {
                throw new BagFormatException(path.resolve(BagMetadata.FILE) + ": bag-level compression '" + m.compressionFormat()
                        + "' is not supported (MCAP chunk compression is); convert the bag with `ros2 bag convert` first");
            }
            String storage = switch (m.storageIdentifier()) {
                case "mcap", "sqlite3" -> m.storageIdentifier();
                default -> throw new BagFormatException(path.resolve(BagMetadata.FILE) + ": storage_identifier '" + m.storageIdentifier()
                        + "' is not supported (mcap, sqlite3)");
            };
            List<Path> files = new ArrayList<>();
            for (String rel : m.relativeFilePaths()) {
                Path f = path.resolve(rel);
                if (!Files.exists(f) && Files.exists(path.resolve(Path.of(rel).getFileName()))) f = path.resolve(Path.of(rel).getFileName());
                if (!Files.exists(f)) throw new NoSuchFileException(f.toString(), null, "listed in " + path.resolve(BagMetadata.FILE) + " but missing");
                files.add(f);
            }
            return new RosBag(path, storage, files, m, List.of());
        }
        String name = path.getFileName().toString();
        if (name.endsWith(".mcap")) return new RosBag(path, "mcap", List.of(path), null, List.of());
        if (name.endsWith(".db3")) return new RosBag(path, "sqlite3", List.of(path), null, List.of());
        throw new BagFormatException(path + ": not a bag (expected a rosbag2 directory with metadata.yaml, a .mcap or a .db3 file)");
    }

    /**
     * A bag directory without metadata.yaml, as a recorder killed before it finished leaves it: its .mcap files, in
     * name order, read by scanning.
     */
    private static RosBag unfinished(Path dir) throws IOException {
        List<Path> mcaps = mcapFiles(dir);
        if (mcaps.isEmpty()) {
            throw new NoSuchFileException(dir.resolve(BagMetadata.FILE).toString(), null, "bag directory has no metadata.yaml and no .mcap file"
                    + " (a rosbag2 bag directory needs one; or give the .mcap / .db3 file itself)");
        }
        return new RosBag(dir, "mcap", mcaps, null, List.of(dir + " has no metadata.yaml (the recording did not finish?): reading its "
                + mcaps.size() + " .mcap file(s) by scanning; 'dlayer bag repair " + dir + "' writes it"));
    }

    /** The .mcap files directly in {@code dir}, in name order. */
    static List<Path> mcapFiles(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".mcap") && Files.isRegularFile(p)).sorted().toList();
        }
    }

    /** What opening the bag noticed without losing anything (no metadata.yaml); empty for a finished bag. */
    public List<String> notes() {
        return notes;
    }

    /** metadata.yaml as read, or null for a single file or an unfinished bag directory. */
    public BagMetadata metadata() {
        return metadata;
    }

    /** The storage files, in reading order. */
    public List<Path> files() {
        return files;
    }

    public Path path() {
        return path;
    }

    public String storage() {
        return storage;
    }

    /** The topics with their types and message counts, from the files themselves (metadata.yaml may be stale). */
    public List<BagTopic> topics() throws IOException {
        Map<String, BagTopic> all = new LinkedHashMap<>();
        for (Path f : files) {
            List<BagTopic> ts = storage.equals("mcap") ? new McapReader(f).topics() : new Sqlite3BagReader(f).topics();
            for (BagTopic t : ts) {
                BagTopic prev = all.get(t.name());
                all.put(t.name(), prev == null ? t : prev.withCount(prev.messageCount() + t.messageCount()));
            }
        }
        if (metadata != null) {
            for (BagTopic t : metadata.topics()) all.putIfAbsent(t.name(), t.withCount(0));
        }
        return new ArrayList<>(all.values());
    }

    /** Streams the messages of the given topics (all when null); the reports say what each file skipped. */
    public ReadReport read(Set<String> topics, McapReader.Handler handler) throws IOException {
        ReadReport total = null;
        for (Path f : files) {
            ReadReport r = storage.equals("mcap") ? new McapReader(f).read(topics, handler) : new Sqlite3BagReader(f).read(topics, handler);
            total = total == null ? r : total.plus(r);
        }
        return total;
    }
}
