package dev.demandlayering.cli;

import java.nio.file.NoSuchFileException;

/** One-line descriptions of failures for the command line. */
final class Errors {
    private Errors() {
    }

    static String describe(Throwable e) {
        if (e instanceof dev.demandlayering.ros.params.ParameterException p) return String.join("; ", p.problems());
        if (e instanceof NoSuchFileException n) return (n.getReason() != null ? n.getReason() : "file not found") + ": " + n.getFile();
        String m = e.getMessage();
        return m != null ? m : e.getClass().getSimpleName();
    }
}
