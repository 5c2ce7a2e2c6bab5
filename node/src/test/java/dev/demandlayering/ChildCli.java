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
        return runWith(List.of(), args);
    }

    /** As {@link #run}, with these JVM options too (say, a java.io.tmpdir of its own, to see what a command leaves there). */
    public static Result runWith(List<String> jvmOptions, String... args) throws Exception {
        Process p = start(TestRepo.cache(), jvmOptions, args);
        String out = new String(p.getInputStream().readAllBytes());
        return new Result(p.waitFor(), out);
    }

    /** The command line that runs {@code dlayer} in a child JVM (for scripts that start it themselves). */
    public static List<String> command(String... args) {
        return command(List.of(), args);
    }

    private static List<String> command(List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx3g", "--add-modules=jdk.incubator.vector"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-Ddlayer.home=" + TestRepo.root(), "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Starts {@code dlayer ARGS...} with its own model cache; stdout and stderr together on the process's input stream. */
    public static Process start(Path cache, String... args) throws java.io.IOException {
        return start(cache, List.of(), args);
    }

    private static Process start(Path cache, List<String> jvmOptions, String... args) throws java.io.IOException {
        ProcessBuilder pb = new ProcessBuilder(command(jvmOptions, args)).redirectErrorStream(true);
        pb.environment().put("DLAYER_CACHE", cache.toString());
        return pb.start();
    }

    /**
     * A model cache of its own: copies of the shared cache's models (a few MB, so a test may delete them), its data
     * linked, and no packs yet: for tests that damage packs or run processes side by side.
     */
    public static Path privateCache(Path dir) throws java.io.IOException {
        Path cache = java.nio.file.Files.createDirectories(dir);
        Path models = java.nio.file.Files.createDirectories(cache.resolve("models"));
        try (var files = java.nio.file.Files.list(TestRepo.cache().resolve("models"))) {
            for (Path f : files.toList()) java.nio.file.Files.copy(f, models.resolve(f.getFileName()));
        }
        for (String sub : List.of("data", "bags")) {
            Path shared = TestRepo.cache().resolve(sub);
            if (java.nio.file.Files.exists(shared)) java.nio.file.Files.createSymbolicLink(cache.resolve(sub), shared);
        }
        return cache;
    }
}
