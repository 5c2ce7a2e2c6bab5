package dev.demandlayering.ros.node;

import dev.demandlayering.runtime.io.Failures;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Logs failures once per kind (the stage and the exception's class) with their cause, then counts repeats and
 * sums them up every {@value #SUMMARY_EVERY} so a fault that hits every frame cannot flood the log.
 */
final class FailureLog {
    static final int SUMMARY_EVERY = 100;
    /** Kinds remembered at most: a sender inventing a new problem per message (random encodings) cannot grow the map without end. */
    static final int MAX_KINDS = 256;
    private final Logger log;
    private final Map<String, Long> counts = new LinkedHashMap<>();

    FailureLog(Logger log) {
        this.log = log;
    }

    /** Records one failure in {@code stage} ("inference", "nanodet head"...); returns its one-line description. */
    synchronized String record(String stage, Throwable e) {
        long n = count(stage + ": " + e.getClass().getSimpleName());
        String line = stage + " failed: " + describe(e);
        if (n == 1) log.error("{} (logged once for this kind; repeats are counted)", line, e);
        else if (n % SUMMARY_EVERY == 0) log.error("{} times so far: {}", n, line);
        return line;
    }

    /**
     * A skipped camera message at WARN, once per kind of problem (its message with the numbers taken out), then
     * every {@value #SUMMARY_EVERY}th with the count: a camera sending nothing but bad frames cannot flood the log.
     */
    synchronized void skipped(String camera, String problem) {
        long n = count(camera + ": " + problem.replaceAll("\\d+", "#"));
        if (n == 1) log.warn("{}: frame skipped: {}", camera, problem);
        else if (n % SUMMARY_EVERY == 0) log.warn("{}: frame skipped: {} ({} like it so far)", camera, problem, n);
    }

    private long count(String kind) {
        if (!counts.containsKey(kind) && counts.size() >= MAX_KINDS) kind = "(other kinds)";
        return counts.merge(kind, 1L, Long::sum);
    }

    /** {@link Failures#describe}, with the cause's message when the exception's own does not carry it. */
    static String describe(Throwable e) {
        String m = Failures.describe(e);
        Throwable c = e.getCause();
        if (c != null && c.getMessage() != null && !m.contains(c.getMessage())) m += " (cause: " + c.getMessage() + ")";
        return m;
    }
}
