package dev.demandlayering.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One benchmark peer in a child JVM (dlayer's {@link BenchPeer} or the ONNX Runtime peer), driven over its line
 * protocol: it answers each command with one JSON line. Its stderr goes to a log file, named in errors.
 */
final class PeerProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    final String name;
    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;
    private final Path log;
    final JsonNode ready;

    PeerProcess(String name, List<String> command, Path log) throws IOException {
        this.name = name;
        this.log = log;
        process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        String line = out.readLine();
        if (line == null || !line.startsWith("ready ")) throw failure("did not start", line);
        ready = JSON.readTree(line.substring(6));
    }

    /**
     * The java command that runs {@code mainClass} on {@code classpath} with the same JVM as this one, its temporary
     * files in {@code tmp} (ONNX Runtime leaves the folder it unpacks its native library into).
     */
    static List<String> java(Path tmp, String classpath, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Xmx6g");
        cmd.add("-Djava.io.tmpdir=" + tmp);
        // as bin/dlayer starts the node: the serial collector with a small young generation keeps pauses under a
        // millisecond and the resident set near what is live (G1 grew its young generation to 330 MiB on the
        // Vector API's warm-up garbage)
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xmn24m");
        cmd.add("--add-modules=jdk.incubator.vector");
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs {@code frames} frames and returns each one's milliseconds. */
    double[] run(int frames) throws IOException {
        JsonNode r = ask("run " + frames);
        double[] ms = new double[r.get("ms").size()];
        for (int i = 0; i < ms.length; i++) ms[i] = r.get("ms").get(i).asDouble();
        return ms;
    }

    /** The process's peak resident memory so far, in bytes. */
    long peakRss() throws IOException {
        return ask("memory").get("peak_rss_bytes").asLong();
    }

    private JsonNode ask(String command) throws IOException {
        in.println(command);
        String line = out.readLine();
        if (line == null) throw failure("exited on '" + command + "'", null);
        JsonNode r = JSON.readTree(line);
        if (r.has("error")) throw failure("refused '" + command + "': " + r.get("error").asText(), null);
        return r;
    }

    private IOException failure(String what, String line) {
        return new IOException("benchmark peer " + name + " " + what + (line != null ? " (printed: " + line + ")" : "") + "; its log: " + log);
    }

    @Override
    public void close() {
        in.println("quit");
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
