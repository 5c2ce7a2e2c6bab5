package dev.demandlayering.ros.bag;

import dev.demandlayering.runtime.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mends an MCAP bag that a crash, SIGKILL or power loss left unfinished, as {@code mcap recover} does: every
 * message that can still be read (damaged chunks are skipped, a torn last record dropped) is written again
 * into a finished file with chunk indexes, summary and footer, and a bag directory gets its metadata.yaml.
 * The original file is kept beside it as {@code NAME.mcap.orig}: repairing loses nothing that was there.
 */
public final class BagRepair {
    /** What the repair did: the files rewritten, the topics with the messages kept, what reading skipped, where the originals are. */
    public record Result(List<Path> files, List<BagTopic> topics, ReadReport report, List<Path> originals) {
        public long messages() {
            return topics.stream().mapToLong(BagTopic::messageCount).sum();
        }
    }

    private BagRepair() {
    }

    public static Result repair(Path bag) throws IOException {
        if (!Files.exists(bag)) throw new NoSuchFileException(bag.toString(), null, "bag not found");
        boolean dir = Files.isDirectory(bag);
        List<Path> files;
        if (dir) {
            files = Files.exists(bag.resolve(BagMetadata.FILE)) ? RosBag.open(bag).files() : RosBag.mcapFiles(bag);
            if (files.isEmpty()) throw new BagFormatException(bag + ": no .mcap file to repair");
        } else if (bag.getFileName().toString().endsWith(".mcap")) {
            files = List.of(bag);
        } else {
            throw new BagFormatException(bag + ": only MCAP bags can be repaired (a bag directory or a .mcap file)");
        }
        Map<String, BagTopic> topics = new LinkedHashMap<>();
        List<Path> originals = new ArrayList<>();
        ReadReport total = null;
        long first = Long.MAX_VALUE, last = 0;
        for (Path f : files) {
            Rewritten r = rewrite(f);
            total = total == null ? r.report : total.plus(r.report);
            originals.add(r.original);
            for (BagTopic t : r.topics) topics.merge(t.name(), t, (a, b) -> a.withCount(a.messageCount() + b.messageCount()));
            first = Math.min(first, r.first);
            last = Math.max(last, r.last);
        }
        Result result = new Result(files, new ArrayList<>(topics.values()), total, originals);
        if (dir) {
            long n = result.messages();
            List<String> names = files.stream().map(f -> bag.relativize(f).toString()).toList();
            new BagMetadata("mcap", names, result.topics(), n == 0 ? 0 : first, n == 0 ? 0 : last - first, n, "").write(bag);
        }
        return result;
    }

    private record Rewritten(List<BagTopic> topics, long first, long last, ReadReport report, Path original) {
    }

    /** Reads {@code f} as far as it can be read and writes it again, finished, under the same name; the original moves to NAME.orig. */
    private static Rewritten rewrite(Path f) throws IOException {
        McapReader reader = new McapReader(f);
        Map<String, Long> counts = new LinkedHashMap<>();
        long[] span = {Long.MAX_VALUE, 0};
        ReadReport[] report = new ReadReport[1];
        Path original = f.resolveSibling(f.getFileName() + ".orig");
        AtomicFiles.replace(f, tmp -> {
            Map<String, Integer> channelIds = new HashMap<>();
            Map<Integer, Integer> schemaIds = new HashMap<>();
            try (McapWriter w = new McapWriter(tmp, "demand-layering (repaired)", "zstd", 4 << 20)) {
                report[0] = reader.read(null, m -> {
                    Integer ch = channelIds.get(m.topic());
                    if (ch == null) {
                        ch = declare(w, reader.channel(m.topic()), schemaIds);
                        channelIds.put(m.topic(), ch);
                    }
                    w.message(ch, m.logTimeNanos(), m.publishTimeNanos(), m.data());
                    counts.merge(m.topic(), 1L, Long::sum);
                    span[0] = Math.min(span[0], m.logTimeNanos());
                    span[1] = Math.max(span[1], m.logTimeNanos());
                });
                for (McapReader.Channel c : reader.channels()) {
                    if (!channelIds.containsKey(c.topic())) channelIds.put(c.topic(), declare(w, c, schemaIds));
                }
            }
            // the original is kept: moved aside only once its repaired copy is complete
            Files.move(f, original, StandardCopyOption.REPLACE_EXISTING);
        });
        List<BagTopic> topics = new ArrayList<>();
        for (McapReader.Channel c : reader.channels()) {
            topics.add(new BagTopic(c.topic(), c.rosType(), c.encoding(), c.metadata().getOrDefault("offered_qos_profiles", ""),
                    counts.getOrDefault(c.topic(), 0L)));
        }
        return new Rewritten(topics, span[0], span[1], report[0], original);
    }

    private static int declare(McapWriter w, McapReader.Channel c, Map<Integer, Integer> schemaIds) throws IOException {
        int schema = 0;
        if (c.schema() != null) {
            Integer s = schemaIds.get(c.schema().id());
            if (s == null) {
                s = w.schema(c.schema().name(), c.schema().encoding(), c.schema().data());
                schemaIds.put(c.schema().id(), s);
            }
            schema = s;
        }
        return w.channel(schema, c.topic(), c.encoding(), c.metadata());
    }
}
