package dev.demandlayering.ros.bag;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a rosbag2 sqlite3 file (.db3, Humble's default storage): the {@code topics} table (id, name, type,
 * serialization_format, offered_qos_profiles) and the {@code messages} table (topic_id, timestamp, data),
 * in timestamp order, through SQLite itself (sqlite-jdbc), opened read-only.
 */
public final class Sqlite3BagReader {
    private record Topic(int id, BagTopic topic) {
    }

    private final Path file;

    public Sqlite3BagReader(Path file) {
        this.file = file;
    }

    public List<BagTopic> topics() throws IOException {
        try (Connection c = connect()) {
            Map<Integer, Long> counts = new HashMap<>();
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT topic_id, COUNT(*) FROM messages GROUP BY topic_id")) {
                while (r.next()) counts.put(r.getInt(1), r.getLong(2));
            }
            List<BagTopic> out = new ArrayList<>();
            for (Topic t : topics(c)) out.add(t.topic().withCount(counts.getOrDefault(t.id(), 0L)));
            return out;
        } catch (SQLException e) {
            throw error(e);
        }
    }

    public ReadReport read(Set<String> wanted, McapReader.Handler handler) throws IOException {
        ReadReport report = new ReadReport();
        try (Connection c = connect()) {
            Map<Integer, BagTopic> byId = new HashMap<>();
            for (Topic t : topics(c)) byId.put(t.id(), t.topic());
            Set<Integer> unknown = new HashSet<>();
            try (PreparedStatement s = c.prepareStatement("SELECT topic_id, timestamp, data FROM messages ORDER BY timestamp, id");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    int topicId = r.getInt(1);
                    BagTopic t = byId.get(topicId);
                    if (t == null) {
                        if (unknown.add(topicId)) report.skippedMessage(file + ": messages with topic_id " + topicId + ", which the topics table lacks: skipped");
                        else report.skippedMessage(null);
                        continue;
                    }
                    if (wanted != null && !wanted.contains(t.name())) continue;
                    long ts = r.getLong(2);
                    byte[] data = r.getBytes(3);
                    report.message();
                    handler.message(new BagMessage(t.name(), t.rosType(), ts, ts, data == null ? new byte[0] : data));
                }
            }
        } catch (SQLException e) {
            throw error(e);
        }
        return report;
    }

    private List<Topic> topics(Connection c) throws SQLException, BagFormatException {
        Set<String> tables = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
            while (r.next()) tables.add(r.getString(1));
        }
        if (!tables.contains("topics") || !tables.contains("messages")) {
            throw new BagFormatException(file + ": an SQLite database but not a rosbag2 bag (tables " + tables + ", expected topics and messages)");
        }
        List<Topic> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT * FROM topics ORDER BY id")) {
            Set<String> cols = new HashSet<>();
            for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) cols.add(r.getMetaData().getColumnName(i));
            while (r.next()) {
                out.add(new Topic(r.getInt("id"), new BagTopic(r.getString("name"), r.getString("type"), r.getString("serialization_format"),
                        cols.contains("offered_qos_profiles") ? r.getString("offered_qos_profiles") : "", 0)));
            }
        }
        return out;
    }

    private Connection connect() throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "sqlite3 bag file not found");
        try {
            org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
            config.setReadOnly(true);
            return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties());
        } catch (SQLException e) {
            throw error(e);
        }
    }

    private BagFormatException error(SQLException e) {
        return new BagFormatException(file + ": SQLite cannot read it as a rosbag2 bag: " + e.getMessage(), e);
    }
}
