package dev.demandlayering.ros.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.UnaryOperator;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * Log lines as rcutils writes them: the format of {@code RCUTILS_CONSOLE_OUTPUT_FORMAT} (default
 * {@code [{severity}] [{time}] [{name}]: {message}}) with its tokens {severity}, {name}, {message}, {function_name},
 * {file_name}, {line_number} (always 0: JUL does not record lines), {time}, {time_as_nanoseconds} and
 * {date_time_with_ms}; a thrown exception follows on the next lines.
 */
public final class ConsoleFormat extends Formatter {
    public static final String DEFAULT = "[{severity}] [{time}] [{name}]: {message}";
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    private final String format;
    private final UnaryOperator<String> displayName;

    /** {@code displayName} turns a JUL logger name into the name shown (the node's logger name for the node's classes). */
    public ConsoleFormat(String format, UnaryOperator<String> displayName) {
        this.format = format == null || format.isEmpty() ? DEFAULT : format;
        this.displayName = displayName;
    }

    @Override
    public String format(LogRecord r) {
        Instant t = r.getInstant();
        long nanos = t.getEpochSecond() * 1_000_000_000L + t.getNano();
        RecordSource from = RecordSource.of(r, displayName);
        String line = format.replace("{severity}", LogSeverity.of(r.getLevel()).name())
                .replace("{name}", from.name())
                .replace("{function_name}", from.functionName())
                .replace("{file_name}", from.fileName())
                .replace("{line_number}", "0")
                .replace("{time_as_nanoseconds}", Long.toString(nanos))
                .replace("{time}", String.format("%d.%09d", t.getEpochSecond(), t.getNano()))
                .replace("{date_time_with_ms}", DATE_TIME.format(t))
                .replace("{message}", formatMessage(r)); // last: a message may itself hold "{name}"
        StringBuilder out = new StringBuilder(line).append(System.lineSeparator());
        if (r.getThrown() != null) {
            StringWriter trace = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(trace));
            out.append(trace);
        }
        return out.toString();
    }
}
