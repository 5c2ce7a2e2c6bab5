package dev.demandlayering.cli;

import dev.demandlayering.ros.bag.BagTopic;
import dev.demandlayering.ros.bag.ImageBags;
import dev.demandlayering.ros.bag.ReadReport;
import dev.demandlayering.ros.bag.RosBag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bag", mixinStandardHelpOptions = true, description = "Inspect rosbag2 bags, or make one from images.",
        subcommands = {BagCommand.Info.class, BagCommand.Repair.class, BagCommand.FromImages.class})
final class BagCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "info", mixinStandardHelpOptions = true, description = "Topics, types and message counts of a bag; reads it all and reports damage.")
    static final class Info implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "BAG")
        Path bag;

        @Override
        public Integer call() throws Exception {
            RosBag b = RosBag.open(bag);
            List<BagTopic> topics = b.topics();
            System.out.printf("%s: %s storage, %d topics%n", bag, b.storage(), topics.size());
            System.out.println("| topic | type | serialization | messages |\n|---|---|---|---|");
            for (BagTopic t : topics) System.out.printf("| %s | %s | %s | %d |%n", t.name(), t.rosType(), t.serializationFormat(), t.messageCount());
            java.util.Map<String, Long> read = new java.util.LinkedHashMap<>();
            ReadReport r = b.read(null, m -> read.merge(m.topic(), 1L, Long::sum));
            System.out.printf("read %d messages; %d chunks and %d messages skipped%s%n", r.messages(), r.skippedChunks(), r.skippedMessages(),
                    r.truncated() ? "; truncated" : "");
            List<String> warnings = new java.util.ArrayList<>(b.notes());
            warnings.addAll(r.warnings());
            if (b.metadata() != null) {
                for (BagTopic t : b.metadata().topics()) {
                    long got = read.getOrDefault(t.name(), 0L);
                    if (got != t.messageCount()) {
                        warnings.add(bag.resolve(dev.demandlayering.ros.bag.BagMetadata.FILE) + " says " + t.name() + " has " + t.messageCount()
                                + " messages; the files hold " + got);
                    }
                }
                if (b.metadata().messageCount() != r.messages() && b.metadata().messageCount() != 0) {
                    warnings.add(bag.resolve(dev.demandlayering.ros.bag.BagMetadata.FILE) + " says message_count " + b.metadata().messageCount()
                            + "; " + r.messages() + " were read");
                }
            }
            warnings.forEach(w -> System.out.println("warning: " + w));
            return warnings.isEmpty() ? 0 : 1;
        }
    }

    @Command(name = "repair", mixinStandardHelpOptions = true,
            description = {"Finish an MCAP bag that a crash or kill left without summary, footer or metadata.yaml (as 'mcap recover' does).",
                    "Every readable message is written again into a finished file; the original is kept as NAME.mcap.orig."})
    static final class Repair implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "BAG", description = "bag directory or .mcap file")
        Path bag;

        @Override
        public Integer call() throws Exception {
            dev.demandlayering.ros.bag.BagRepair.Result r = dev.demandlayering.ros.bag.BagRepair.repair(bag);
            System.out.printf("%s: repaired %d file(s), %d messages%n", bag, r.files().size(), r.messages());
            r.topics().forEach(t -> System.out.printf("  %s: %d%n", t.name(), t.messageCount()));
            System.out.printf("%d chunks skipped%s%n", r.report().skippedChunks(), r.report().truncated() ? "; the last record was cut short and dropped" : "");
            r.report().warnings().forEach(w -> System.out.println("note: " + w));
            r.originals().forEach(o -> System.out.println("original kept as " + o));
            if (Files.exists(bag.resolve(dev.demandlayering.ros.bag.BagMetadata.FILE))) System.out.println("wrote " + bag.resolve("metadata.yaml"));
            return 0;
        }
    }

    @Command(name = "from-images", mixinStandardHelpOptions = true,
            description = "Write the JPEG/PNG images of a directory (in name order) as a camera topic of a new MCAP bag.")
    static final class FromImages implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR")
        Path dir;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "BAG", description = "new bag directory")
        Path out;

        @Option(names = "--topic", description = "camera topic; a name ending in /compressed stores the files as they are (CompressedImage), "
                + "others as decoded rgb8 Image; default ${DEFAULT-VALUE}")
        String topic = "/camera/image_raw/compressed";

        @Option(names = "--rate", description = "frames per second of the stamps; default ${DEFAULT-VALUE}")
        double rate = 10;

        @Option(names = "--start", description = "stamp of the first frame, seconds since the epoch; default ${DEFAULT-VALUE}")
        long start = 1_600_000_000L;

        @Option(names = "--frame-id", description = "header.frame_id; default ${DEFAULT-VALUE}")
        String frameId = "camera";

        @Override
        public Integer call() throws Exception {
            int n = ImageBags.fromImages(dir, out, topic, rate, start, frameId);
            System.out.printf("%s: %d frames on %s at %.3g Hz%n", out, n, topic, rate);
            return 0;
        }
    }
}
