package dev.demandlayering.ros.node;

/**
 * A one-slot mailbox between the transport threads and the inference thread: a new frame replaces one that
 * was not taken yet (the newest frame wins) and the replaced frame counts as dropped. Never grows.
 */
final class LatestFrame<T> {
    private T slot;
    private long dropped;
    private boolean closed;

    synchronized void offer(T frame) {
        if (slot != null) dropped++;
        slot = frame;
        notifyAll();
    }

    /** The newest frame, waiting for one; null once closed. */
    synchronized T take() throws InterruptedException {
        while (slot == null && !closed) wait();
        T f = slot;
        slot = null;
        return f;
    }

    synchronized long dropped() {
        return dropped;
    }

    synchronized void close() {
        closed = true;
        notifyAll();
    }
}
