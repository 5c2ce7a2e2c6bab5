package dev.demandlayering.cli;

import dev.demandlayering.runtime.io.Failures;

/** One-line descriptions of failures for the command line. */
final class Errors {
    private Errors() {
    }

    static String describe(Throwable e) {
        if (e instanceof dev.demandlayering.ros.params.ParameterException p) return String.join("; ", p.problems());
        return Failures.describe(e);
    }
}
