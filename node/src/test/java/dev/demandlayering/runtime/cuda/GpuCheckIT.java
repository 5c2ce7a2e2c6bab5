package dev.demandlayering.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.TestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tools/gpu-check.sh on a machine without a usable GPU, from a bundle laid out as gpu-bundle.sh lays it out (this JDK
 * as its Java, the packaged jar as its classes): it probes first, exits 2 with "no usable GPU: " and the root cause,
 * leaves at most 6 files in OUT, and is done within a minute, so a lent host's time is not spent finding that out.
 */
class GpuCheckIT {
    @TempDir
    Path tmp;

    @Test
    void withoutAGpuTheCheckStopsAtOnceSayingWhy() throws Exception {
        Assumptions.assumeFalse(CudaDevice.probe().available(), "a GPU is usable here: gpu-check.sh is for the real run");
        Path jar = TestRepo.root().resolve("node/target/dlayer.jar");
        Assumptions.assumeTrue(Files.exists(jar), "runs after `mvn package` (failsafe, mvn verify)");
        Path bundle = Files.createDirectories(tmp.resolve("gpu-bundle"));
        Files.createSymbolicLink(bundle.resolve("jre"), Path.of(System.getProperty("java.home")));
        Files.createSymbolicLink(Files.createDirectories(bundle.resolve("lib")).resolve("dlayer.jar"), jar);
        Files.createSymbolicLink(bundle.resolve("repo"), TestRepo.root());
        Path models = Files.createDirectories(bundle.resolve("cache/models"));
        Files.copy(TestRepo.root().resolve("models/nanodet.yaml"), models.resolve("nanodet.yaml"));
        Files.createDirectories(bundle.resolve("inputs"));
        Path script = Files.copy(TestRepo.root().resolve("tools/gpu-check.sh"), bundle.resolve("gpu-check.sh"));
        Path out = tmp.resolve("out");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("bash", script.toString(), out.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), log);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(2, p.exitValue(), log);
        String summary = Files.readString(out.resolve("summary.md"));
        assertTrue(summary.contains("- no usable GPU: ") && summary.contains("cannot be loaded: lib"), summary);
        assertTrue(summary.contains("work folder on ") && !summary.contains("work folder on tmpfs"), summary);
        List<Path> files;
        try (var s = Files.walk(out)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        assertTrue(files.size() <= 6, files.toString());
        assertTrue(files.stream().allMatch(f -> f.getParent().equals(out)), "nothing below OUT's top level: " + files);
        assertTrue(seconds < 60, seconds + " s");
        try (var s = Files.list(bundle)) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().startsWith(".gpu-check.")), "the work folder is removed");
        }
    }
}
