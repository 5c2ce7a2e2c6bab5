package dev.demandlayering.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A benchmark's temporary folder (exported ONNX files, packs, the peers' logs and temporary files: 50-150 MB a
 * run). It is deleted when the benchmark finished, and after a failure too unless it holds a peer's log, which the
 * error names: then it is kept, and named.
 */
final class WorkDir implements AutoCloseable {
    private final Path path;
    private final PrintStream err;
    private boolean finished;

    private WorkDir(Path path, PrintStream err) {
        this.path = path;
        this.err = err;
    }

    /** A new folder under java.io.tmpdir, its name starting with {@code prefix}. */
    static WorkDir create(String prefix, PrintStream err) throws IOException {
        return new WorkDir(Files.createTempDirectory(prefix), err);
    }

    Path path() {
        return path;
    }

    /** The benchmark finished: the folder goes on {@link #close()}. */
    void finished() {
        finished = true;
    }

    @Override
    public void close() throws IOException {
        if (!finished && holdsLogs()) {
            err.println("bench: its files are kept in " + path);
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private boolean holdsLogs() throws IOException {
        try (Stream<Path> all = Files.walk(path)) {
            return all.anyMatch(p -> p.toString().endsWith(".log") && Files.isRegularFile(p));
        }
    }
}
