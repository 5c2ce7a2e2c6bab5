package dev.demandlayering.cli;

import dev.demandlayering.ros.bag.BagTopic;
import dev.demandlayering.ros.bag.ImageBags;
import dev.demandlayering.ros.bag.ReadReport;
import dev.demandlayering.ros.bag.RosBag;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bag", mixinStandardHelpOptions = true, description = "Inspect rosbag2 bags, or make one from images.",
        subcommands = {BagCommand.Info.class, BagCommand.FromImages.class})
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
            ReadReport r = b.read(null, m -> {
            });
            System.out.printf("read %d messages; %d chunks and %d messages skipped%s%n", r.messages(), r.skippedChunks(), r.skippedMessages(),
                    r.truncated() ? "; truncated" : "");
            r.warnings().forEach(w -> System.out.println("warning: " + w));
            return r.warnings().isEmpty() ? 0 : 1;
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
