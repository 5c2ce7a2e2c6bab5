package dev.demandlayering.ros;

import dev.demandlayering.TestRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Builds the C test programs in node/src/test/c against Debian's CycloneDDS (cyclonedds-dev, idlc from
 * cyclonedds-tools): a real, non-Java DDS implementation, the one rmw_cyclonedds_cpp uses.
 */
final class CycloneDdsPeer {
    static final Path SOURCES = TestRepo.root().resolve("node/src/test/c");

    private CycloneDdsPeer() {
    }

    /** Compiles {@code program}.c with the generated message types into {@code dir}; skips the test if the toolchain is absent. */
    static Path build(String program, Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.exists(Path.of("/usr/include/dds/dds.h")) && Files.isExecutable(Path.of("/usr/bin/idlc")),
                "CycloneDDS not installed (apt-get install cyclonedds-dev cyclonedds-tools)");
        run(dir, "idlc", "-x", "final", SOURCES.resolve("ros_msgs.idl").toString());
        Path exe = dir.resolve(program);
        run(dir, "cc", "-O1", "-o", exe.toString(), SOURCES.resolve(program + ".c").toString(), "ros_msgs.c", "-I.", "-lddsc");
        return exe;
    }

    /**
     * Compiles {@code program}.c against the types of {@code idl} (in node/src/test/c) into {@code dir}/{@code exe}, the
     * generated header given to the program as GRAPH_HEADER; skips the test if the toolchain is absent.
     */
    static Path build(String program, String idl, String exe, Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.exists(Path.of("/usr/include/dds/dds.h")) && Files.isExecutable(Path.of("/usr/bin/idlc")),
                "CycloneDDS not installed (apt-get install cyclonedds-dev cyclonedds-tools)");
        Path out = Files.createDirectories(dir.resolve(exe + "-build"));
        run(out, "idlc", "-x", "final", SOURCES.resolve(idl + ".idl").toString());
        Path binary = dir.resolve(exe);
        run(out, "cc", "-O1", "-DGRAPH_HEADER=\"" + idl + ".h\"", "-o", binary.toString(), SOURCES.resolve(program + ".c").toString(), idl + ".c", "-I.",
                "-lddsc");
        return binary;
    }

    static List<String> run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed:\n" + out);
        }
        return new ArrayList<>(List.of(out.split("\n")));
    }
}
