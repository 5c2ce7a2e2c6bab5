package dev.demandlayering.runtime.pack;

/** Whether weights are read with O_DIRECT: AUTO tries it and falls back to buffered reads, ON requires it, OFF never uses it. */
public enum DirectIo {
    AUTO, ON, OFF;

    /** The names parameters and options use: each value in lower case. */
    public static final java.util.List<String> LABELS = java.util.Arrays.stream(values()).map(d -> d.name().toLowerCase(java.util.Locale.ROOT)).toList();

    /** From a parameter or option value: "auto", "on" (also "true"), "off" (also "false"). */
    public static DirectIo parse(String value) {
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> AUTO;
            case "on", "true" -> ON;
            case "off", "false" -> OFF;
            default -> throw new IllegalArgumentException("direct I/O mode '" + value + "' is not one of auto, on, off");
        };
    }
}
