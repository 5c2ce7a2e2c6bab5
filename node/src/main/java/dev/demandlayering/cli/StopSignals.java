package dev.demandlayering.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * SIGINT and SIGTERM as a request to stop cleanly: the first one sets a flag the work polls between frames (so
 * a recording is finished, not cut), the second one ends the process at once with 128 + the signal number.
 */
final class StopSignals {
    private final AtomicBoolean requested = new AtomicBoolean();
    private volatile String name;

    private StopSignals() {
    }

    /** Installs the handlers for this process; what a signal did is logged to stderr. */
    static StopSignals install(String what) {
        StopSignals s = new StopSignals();
        for (String sig : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(sig), signal -> {
                if (s.requested.compareAndSet(false, true)) {
                    s.name = "SIG" + signal.getName();
                    System.err.println(what + ": " + s.name + " received: finishing the current frame and closing the recording"
                            + " (send it again to abort at once)");
                } else {
                    System.err.println(what + ": second SIG" + signal.getName() + ": aborting");
                    Runtime.getRuntime().halt(128 + signal.getNumber());
                }
            });
        }
        return s;
    }

    boolean requested() {
        return requested.get();
    }

    /** The signal that asked to stop ("SIGTERM"), or null. */
    String signalName() {
        return name;
    }
}
