package dev.demandlayering.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * SIGINT and SIGTERM as a request to stop cleanly: the first one sets a flag the work polls between frames (so
 * a recording is finished, not cut, and a node closes its participant and exits 0, as {@code ros2 launch}
 * expects), the second one ends the process at once with 128 + the signal number.
 */
final class StopSignals {
    private final CountDownLatch requested = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile String name;

    private StopSignals() {
    }

    /** Installs the handlers for a replay: a stop finishes the frame and closes the recording. */
    static StopSignals install(String what) {
        return install(what, "finishing the current frame and closing the recording");
    }

    /** Installs the handlers for this process; what a signal did ({@code doing}) is printed to stderr. */
    static StopSignals install(String what, String doing) {
        StopSignals s = new StopSignals();
        for (String sig : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(sig), signal -> {
                if (s.first.compareAndSet(false, true)) {
                    s.name = "SIG" + signal.getName();
                    s.requested.countDown();
                    System.err.println(what + ": " + s.name + " received: " + doing + " (send it again to abort at once)");
                } else {
                    System.err.println(what + ": second SIG" + signal.getName() + ": aborting");
                    Runtime.getRuntime().halt(128 + signal.getNumber());
                }
            });
        }
        return s;
    }

    boolean requested() {
        return requested.getCount() == 0;
    }

    /** Waits up to {@code millis} for a stop request; whether one came. */
    boolean awaitRequest(long millis) throws InterruptedException {
        return requested.await(millis, TimeUnit.MILLISECONDS);
    }

    /** The signal that asked to stop ("SIGTERM"), or null. */
    String signalName() {
        return name;
    }
}
