package dev.demandlayering.ros.logging;

import dev.demandlayering.ros.msg.RclInterfaces;
import dev.demandlayering.ros.msg.StdMsgs;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * Log lines as rcl_interfaces/Log on /rosout. Lines logged before the node's transport exists are kept (the last
 * {@link #EARLY_LINES}) and sent when it is attached, so the start-up (the plan, the backend) reaches rqt_console too;
 * the writer is transient local, so a console opened later still gets them. A line logged while one is being
 * sent (the transport logging about itself) is not sent again.
 */
final class RosoutHandler extends Handler {
    static final int EARLY_LINES = 1000;
    private final UnaryOperator<String> displayName;
    private final ArrayDeque<byte[]> early = new ArrayDeque<>();
    private final ThreadLocal<Boolean> sending = ThreadLocal.withInitial(() -> false);
    private Consumer<byte[]> out;

    RosoutHandler(UnaryOperator<String> displayName) {
        this.displayName = displayName;
        setLevel(Level.ALL);
    }

    /** From now on lines go to {@code publisher} (the /rosout writer); the early ones first. */
    synchronized void attach(Consumer<byte[]> publisher) {
        out = publisher;
        while (!early.isEmpty()) send(early.poll());
    }

    @Override
    public void publish(LogRecord r) {
        if (!isLoggable(r) || sending.get()) return;
        byte[] cdr = encode(r);
        synchronized (this) {
            if (out == null) {
                if (early.size() == EARLY_LINES) early.poll();
                early.add(cdr);
                return;
            }
            send(cdr);
        }
    }

    private void send(byte[] cdr) {
        sending.set(true);
        try {
            out.accept(cdr);
        } catch (RuntimeException e) {
            reportError("/rosout: " + e.getMessage(), e, java.util.logging.ErrorManager.WRITE_FAILURE); // to stderr, once per failure, not back into the log
        } finally {
            sending.set(false);
        }
    }

    private byte[] encode(LogRecord r) {
        Instant t = r.getInstant();
        RecordSource from = RecordSource.of(r, displayName);
        String msg = getFormatter() != null ? getFormatter().formatMessage(r) : new java.util.logging.SimpleFormatter().formatMessage(r);
        if (r.getThrown() != null) msg += ": " + r.getThrown();
        return new RclInterfaces.Log(new StdMsgs.Time((int) t.getEpochSecond(), t.getNano()), LogSeverity.of(r.getLevel()).logMsgLevel() & 0xff,
                from.name(), msg, from.fileName(), from.functionName(), 0).encode();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
