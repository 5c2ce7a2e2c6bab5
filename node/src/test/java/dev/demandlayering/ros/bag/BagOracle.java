package dev.demandlayering.ros.bag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.TestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs the independent rosbag2 tools in tools/bag-oracle (Foxglove's MCAP and CDR libraries; Python's sqlite3). */
public final class BagOracle {
    private BagOracle() {
    }

    static Path dir() {
        return TestRepo.root().resolve("tools/bag-oracle");
    }

    public static void assumeInstalled() {
        Assumptions.assumeTrue(Files.isDirectory(dir().resolve("node_modules/@mcap/core")), "bag oracle not installed: (cd tools/bag-oracle && npm ci)");
    }

    /** Runs an oracle script and returns its standard output; fails the test with its output when it fails. */
    public static String run(String... command) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (command[0].endsWith(".mjs")) cmd.add("node");
        cmd.add(dir().resolve(command[0]).toString());
        for (int i = 1; i < command.length; i++) cmd.add(command[i]);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "oracle timed out: " + cmd);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + out);
        return out;
    }
}
