package dev.demandlayering.ros;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a shell script in a private network namespace whose only interface is loopback (multicast enabled),
 * so DDS discovery and data between the test's peers never leave it.
 */
final class NetNamespace {
    private NetNamespace() {
    }

    static void assumeAvailable() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("unshare", "-n", "true").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        Assumptions.assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0,
                "DDS tests need a private network namespace (unshare -n, as root) so that no traffic leaves loopback");
    }

    /** Runs {@code script} with bash inside a fresh namespace; returns its combined output. */
    static String run(String script, Path workDir, int timeoutSeconds) throws IOException, InterruptedException {
        String full = "set -e\nip link set lo up\nip link set lo multicast on\nip route add 224.0.0.0/4 dev lo\n" + script;
        Path f = Files.writeString(workDir.resolve("netns-script.sh"), full);
        Process p = new ProcessBuilder("unshare", "-n", "bash", f.toString()).directory(workDir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) p.destroyForcibly();
        return new String(out);
    }
}
