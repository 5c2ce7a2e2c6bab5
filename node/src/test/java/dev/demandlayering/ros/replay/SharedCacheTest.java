package dev.demandlayering.ros.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.ChildCli;
import dev.demandlayering.TestRepo;
import dev.demandlayering.ros.bag.ImageBags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three processes started together on one model cache (DLAYER_CACHE), each packing the same models into it as the
 * node does at start-up: every one of them succeeds, and no temporary file is left behind.
 */
class SharedCacheTest {
    @TempDir
    Path tmp;

    @Test
    void threeProcessesPackingIntoOneCacheAllSucceed() throws Exception {
        Assumptions.assumeTrue(Files.exists(TestRepo.cache().resolve("models/nanodet.bin")), "models not fetched (models/fetch.sh)");
        Path cache = ChildCli.privateCache(tmp.resolve("cache"));
        Path images = Files.createDirectories(tmp.resolve("images"));
        Files.copy(TestRepo.cache().resolve("data/messi5.jpg"), images.resolve("frame.jpg"));
        Path bag = tmp.resolve("one_frame");
        ImageBags.fromImages(images, bag, "/camera/image_raw/compressed", 10, 1_600_000_000L, "camera");
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ps.add(ChildCli.start(cache, "replay", bag.toString(), "-p", "models:=[nanodet, selfie]", "-p", "image_topics:=[/camera/image_raw/compressed]",
                    "--as-fast-as-possible", "--report", tmp.resolve("report" + i).toString()));
        }
        for (Process p : ps) {
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(240, TimeUnit.SECONDS), out);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("1 frames in"), out);
        }
        try (var files = Files.list(cache.resolve("packs"))) {
            assertEquals(List.of("nanodet.dlp", "selfie.dlp"), files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }
}
