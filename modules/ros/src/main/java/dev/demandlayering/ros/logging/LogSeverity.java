package dev.demandlayering.ros.logging;

import java.util.Locale;
import java.util.logging.Level;

/**
 * rcutils' severities and what they are in java.util.logging (the backend slf4j writes to here) and in
 * rcl_interfaces/msg/Log. JUL has no FATAL: a fatal threshold is SEVERE (nothing here logs above ERROR).
 */
public enum LogSeverity {
    DEBUG(Level.FINE, 10), INFO(Level.INFO, 20), WARN(Level.WARNING, 30), ERROR(Level.SEVERE, 40), FATAL(Level.SEVERE, 50);

    private final Level level;
    private final int logMsgLevel;

    LogSeverity(Level level, int logMsgLevel) {
        this.level = level;
        this.logMsgLevel = logMsgLevel;
    }

    /** The JUL threshold this severity means. */
    public Level level() {
        return level;
    }

    /** The value of rcl_interfaces/msg/Log's {@code level} field (DEBUG=10 ... FATAL=50). */
    public byte logMsgLevel() {
        return (byte) logMsgLevel;
    }

    /** The severity of a JUL record: FINE and below are DEBUG, SEVERE is ERROR. */
    public static LogSeverity of(Level l) {
        int v = l.intValue();
        if (v >= Level.SEVERE.intValue()) return ERROR;
        if (v >= Level.WARNING.intValue()) return WARN;
        if (v >= Level.INFO.intValue()) return INFO;
        return DEBUG;
    }

    /** {@code debug}, {@code INFO}, ... as --log-level takes them; {@code unset} is null (inherit the parent's). */
    public static LogSeverity parse(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (n.equals("UNSET")) return null;
        return valueOf(n);
    }
}
