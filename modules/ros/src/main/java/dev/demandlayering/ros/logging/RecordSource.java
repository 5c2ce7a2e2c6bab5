package dev.demandlayering.ros.logging;

import java.util.logging.LogRecord;

/**
 * Where a log record came from, as rcutils names it in both the console line and a /rosout message: the logger's
 * display name, the source file (the class's simple name + ".java": JUL knows no file) and the function.
 */
record RecordSource(String name, String fileName, String functionName) {
    static RecordSource of(LogRecord r, java.util.function.UnaryOperator<String> displayName) {
        String source = r.getSourceClassName() == null ? "" : r.getSourceClassName();
        return new RecordSource(displayName.apply(r.getLoggerName() == null ? "" : r.getLoggerName()),
                source.isEmpty() ? "" : source.substring(source.lastIndexOf('.') + 1) + ".java",
                r.getSourceMethodName() == null ? "" : r.getSourceMethodName());
    }
}
