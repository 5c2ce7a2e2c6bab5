package dev.demandlayering.ros;

import dev.demandlayering.TestRepo;
import java.nio.file.Files;
import org.junit.jupiter.api.Assumptions;

/**
 * The bash lines the network-namespace tests ({@link NetNamespace}) run a node with: started in the background (the
 * script must have said {@code set -m} first: a non-interactive shell would start it with SIGINT ignored), waited for
 * until it logs that it is running, and stopped with SIGINT as ros2 launch stops it.
 */
final class NodeScript {
    private NodeScript() {
    }

    /** Skips the test unless the jar the scripts start has been built (failsafe runs after {@code mvn package}). */
    static void assumeJarBuilt() {
        Assumptions.assumeTrue(Files.exists(TestRepo.root().resolve("node/target/dlayer.jar")), "runs after `mvn package` (failsafe, mvn verify)");
    }

    /** Starts {@code command} as {@code $NODE}, its output in {@code log}, and waits up to 60 s for its "running" line. */
    static String start(String command, String log) {
        return command + " > " + log + " 2>&1 &\nNODE=$!\nfor i in $(seq 1 120); do grep -q 'running' " + log + " && break; sleep 0.5; done\n";
    }

    /** Sends {@code $NODE} SIGINT and prints {@code NODE_EXIT=} its exit status. */
    static String stop() {
        return "kill -INT $NODE; wait $NODE && echo NODE_EXIT=0 || echo NODE_EXIT=$?\n";
    }
}
