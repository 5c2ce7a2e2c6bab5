package dev.demandlayering.ros.replay;

import dev.demandlayering.TestRepo;
import dev.demandlayering.ros.bag.ImageBags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The sample replay bag, as tools/make-sample-bag.sh makes it (same frames, rate and stamps): 4 s of OpenCV's
 * vtest.avi street video at 5 Hz, 20 JPEG frames on /camera/image_raw/compressed, in the model cache.
 */
final class SampleBag {
    private SampleBag() {
    }

    static synchronized Path path() throws Exception {
        Path bag = TestRepo.cache().resolve("bags/vtest");
        if (Files.exists(bag.resolve("metadata.yaml"))) return bag;
        Path video = TestRepo.cache().resolve("data/vtest.avi");
        Assumptions.assumeTrue(Files.exists(video), "sample video not fetched (models/fetch.sh)");
        Path frames = TestRepo.cache().resolve("data/vtest-frames");
        if (!Files.exists(frames.resolve("frame_019.jpg"))) {
            Process p = new ProcessBuilder("/usr/bin/python3", TestRepo.root().resolve("tools/extract-frames.py").toString(), video.toString(),
                    frames.toString(), "--every", "2", "--count", "20").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(120, TimeUnit.SECONDS);
            Assumptions.assumeTrue(p.exitValue() == 0, "cannot extract the sample frames (python3-opencv): " + out);
        }
        if (Files.exists(bag)) {
            try (var s = Files.walk(bag)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        ImageBags.fromImages(frames, bag, "/camera/image_raw/compressed", 5, 1_600_000_000L, "camera");
        return bag;
    }
}
