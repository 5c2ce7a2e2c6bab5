package dev.demandlayering;

import dev.demandlayering.cli.Main;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code dlayer ARGS...} in a child JVM, as a user runs it: the repository's models and cache, output and exit status. */
public final class ChildCli {
    private ChildCli() {
    }

    /** Exit status and everything the command printed (stdout and stderr together). */
    public record Result(int code, String out) {
    }

    public static Result run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx3g",
                "-Ddlayer.home=" + TestRepo.root(), "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DLAYER_CACHE", TestRepo.cache().toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        return new Result(p.waitFor(), out);
    }
}
