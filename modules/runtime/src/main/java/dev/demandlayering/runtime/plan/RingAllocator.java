package dev.demandlayering.runtime.plan;

import java.util.ArrayDeque;

/**
 * First-in first-out allocation of contiguous byte ranges in a circular region: layers are loaded and
 * freed in execution order, so the oldest range is always the next to go. A range that does not fit before
 * the end wraps to offset 0 and the skipped tail counts as used until the oldest range passes it.
 * Not thread-safe; the pipeline guards it and the simulator uses it as is.
 */
public final class RingAllocator {
    private final long size;
    private final ArrayDeque<long[]> live = new ArrayDeque<>(); // {offset, length}
    private long head;
    private long highWater;

    public RingAllocator(long size) {
        this.size = size;
    }

    public long size() {
        return size;
    }

    /** The offset of a new range of {@code len} bytes, or -1 when it does not fit now. */
    public long tryAllocate(long len) {
        if (len > size) throw new IllegalArgumentException("range of " + len + " bytes exceeds the ring of " + size + " bytes");
        long off;
        if (live.isEmpty()) {
            off = 0;
        } else {
            long tail = live.peekFirst()[0];
            if (head > tail) {
                if (size - head >= len) off = head;
                else if (tail >= len) off = 0;
                else return -1;
            } else if (head < tail) {
                if (tail - head >= len) off = head;
                else return -1;
            } else {
                return -1;
            }
        }
        live.addLast(new long[] {off, len});
        head = off + len;
        highWater = Math.max(highWater, usedBytes());
        return off;
    }

    /** Frees the oldest range. */
    public void releaseOldest() {
        if (live.pollFirst() == null) throw new IllegalStateException("ring is empty");
    }

    public boolean isEmpty() {
        return live.isEmpty();
    }

    /** Bytes between the oldest live range and the allocation head, including a skipped tail. */
    public long usedBytes() {
        if (live.isEmpty()) return 0;
        long tail = live.peekFirst()[0];
        return head > tail ? head - tail : size - tail + head;
    }

    public long highWater() {
        return highWater;
    }

    /** Starts a new high-water measurement from the current use. */
    public void resetHighWater() {
        highWater = usedBytes();
    }
}
