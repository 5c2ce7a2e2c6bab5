package dev.demandlayering.runtime.plan;

/** The arena budget cannot hold even the smallest plan; the message states the minimum in bytes. */
public class BudgetTooSmallException extends RuntimeException {
    private final long minimumBytes;

    public BudgetTooSmallException(String message, long minimumBytes) {
        super(message);
        this.minimumBytes = minimumBytes;
    }

    public long minimumBytes() {
        return minimumBytes;
    }
}
