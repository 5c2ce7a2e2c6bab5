package dev.demandlayering.runtime.io;

import java.nio.file.NoSuchFileException;

/** One line that says what failed: the exception's message, or for a missing file its reason and path. */
public final class Failures {
    private Failures() {
    }

    public static String describe(Throwable e) {
        if (e instanceof NoSuchFileException n) return (n.getReason() != null ? n.getReason() : "file not found") + ": " + n.getFile();
        String m = e.getMessage();
        return m != null && !m.isBlank() ? m : e.getClass().getSimpleName();
    }
}
