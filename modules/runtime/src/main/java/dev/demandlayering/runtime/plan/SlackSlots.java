package dev.demandlayering.runtime.plan;

import dev.demandlayering.runtime.layers.Layer;
import dev.demandlayering.runtime.layers.LayeredModel;
import dev.demandlayering.runtime.layers.WeightPrecision;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Lends idle activation bytes to streamed blobs. The activation region is sized for the peak, but most layers use
 * a fraction of it: a streamed layer's blob can be read into bytes that nothing uses from the end of an earlier
 * layer (its opening layer) to the end of its own layer, so the loader may start it as soon as the opening layer has
 * computed, however full the ring is. Time runs over all models' layers in frame order and wraps around: the
 * first layers of a frame may open in the previous frame's last layers (the model's inputs and outputs are in use
 * across the wrap, so a slot never overlaps them).
 * <p>
 * Consecutive streamed layers are grouped into one contiguous range with one opening layer, so that the loader
 * reads each group with one request (per-read latency, not bytes, is what a small layer costs). Groups are placed in
 * frame order, each opening as early as the bytes allow, at most {@link #MAX_LEAD} layers before its first member
 * and not before the previous group opens; a layer whose blob finds no such bytes uses the ring. The arena does not
 * grow: the slots are inside the activation region.
 */
public final class SlackSlots {
    /** How many layers before its first member a group may open. */
    static final int MAX_LEAD = 32;
    /** The most blob bytes in one group (one read). */
    static final long MAX_GROUP_BYTES = 1L << 20;

    private SlackSlots() {
    }

    /**
     * A streamed layer's blob in the activation region.
     *
     * @param offset relative to the activation region's start, a multiple of {@link ArenaPlanner#BLOCK}
     * @param opensAfter the layer, counted in frame order over all models, whose completion makes the bytes idle;
     *     at or after the slot's own layer it is the previous frame's
     */
    public record Slot(long offset, int opensAfter) {
        /** Whether the slot opens in the previous frame, for a blob of layer {@code frameLayer} (frame order). */
        public boolean wraps(int frameLayer) {
            return opensAfter >= frameLayer;
        }
    }

    /** Bytes [offset, offset + bytes) in use over nodes [first, last] of the frame (frame order, all models). */
    private record Busy(long offset, long bytes, int first, int last) {
    }

    /**
     * Per model and layer, a slot for each streamed layer that gets one, null for the others (resident, weightless,
     * or no idle bytes).
     *
     * @param acts each model's activation placement (offsets from the region's start; models run one after another)
     * @param regionBytes the activation region's size
     * @param streamed per model and layer: its blob is read every frame
     */
    public static Slot[][] place(List<LayeredModel> models, List<ActivationPlanner.Placement> acts, long regionBytes, boolean[][] streamed,
                                 WeightPrecision weights) {
        List<Layer> layers = new ArrayList<>();
        List<Boolean> streams = new ArrayList<>();
        List<Busy> busy = new ArrayList<>();
        List<Integer> firstNode = new ArrayList<>(), lastNode = new ArrayList<>();
        int node = 0;
        for (int mi = 0; mi < models.size(); mi++) {
            int base = node;
            for (Layer l : models.get(mi).layers()) {
                layers.add(l);
                streams.add(streamed[mi][l.index()]);
                firstNode.add(node);
                node += l.nodes().size();
                lastNode.add(node - 1);
            }
            // an output's life ends one node past the model (its read after the model's last layer)
            for (ActivationPlanner.Life t : acts.get(mi).lives()) busy.add(new Busy(t.offset(), t.bytes(), base + t.first(), base + t.last()));
        }
        Timeline time = new Timeline(node, firstNode, lastNode, busy);
        int n = layers.size();
        Slot[] slots = new Slot[n];
        int earliest = -n; // opening of the previous group, unrolled: -n..-1 is the previous frame
        for (int i = 0; i < n; i++) {
            long size = ArenaPlanner.slotBytes(layers.get(i), weights);
            if (!streams.get(i) || size == 0) continue;
            // the group's first member: the earliest opening with room for its blob
            long off = -1;
            // at most a frame back: the same layer's blob of the previous frame is the oldest thing a slot can follow
            int open = Math.max(earliest, Math.max(i - 1 - MAX_LEAD, i - n));
            for (; open <= i - 1 && off < 0; open++) off = time.lowestFree(open, i, size, regionBytes);
            if (off < 0) continue;
            open--;
            earliest = open;
            int opensAfter = Math.floorMod(open, n);
            slots[i] = new Slot(off, opensAfter);
            time.lend(off, size, open, i);
            long end = off + size;
            // the following streamed layers join the group while their blobs fit right after it
            int j = i + 1;
            for (; j < n && end - off < MAX_GROUP_BYTES; j++) {
                long s = ArenaPlanner.slotBytes(layers.get(j), weights);
                if (s == 0) continue;
                if (!streams.get(j) || end + s > regionBytes || !time.isFree(end, s, open, j)) break;
                slots[j] = new Slot(end, opensAfter);
                time.lend(end, s, open, j);
                end += s;
            }
            i = j - 1;
        }
        Slot[][] out = new Slot[models.size()][];
        for (int mi = 0, k = 0; mi < models.size(); mi++) {
            out[mi] = new Slot[models.get(mi).layers().size()];
            for (int l = 0; l < out[mi].length; l++) out[mi][l] = slots[k++];
        }
        return out;
    }

    /** What is in use when over one frame's nodes, cyclically: activation lives and the slots lent so far. */
    private static final class Timeline {
        private final int nodes;
        private final List<Integer> firstNode, lastNode;
        private final List<Busy> busy;

        Timeline(int nodes, List<Integer> firstNode, List<Integer> lastNode, List<Busy> busy) {
            this.nodes = nodes;
            this.firstNode = firstNode;
            this.lastNode = lastNode;
            this.busy = busy;
        }

        /**
         * The node ranges from the end of layer {@code open} (unrolled: negative is the previous frame) to the end of
         * layer {@code to}: one range, or two across the frame's wrap.
         */
        private int[][] window(int open, int to) {
            if (open >= 0) return new int[][] {{firstNode.get(open + 1), lastNode.get(to)}};
            // from the previous frame's next layer to its end, including node `nodes`: the outputs' read after the
            // last layer; then this frame up to the end of layer `to`
            int from = open + 1 + firstNode.size();
            return new int[][] {{from < firstNode.size() ? firstNode.get(from) : nodes, nodes}, {0, lastNode.get(to)}};
        }

        void lend(long offset, long bytes, int open, int to) {
            for (int[] w : window(open, to)) busy.add(new Busy(offset, bytes, w[0], w[1]));
        }

        boolean isFree(long offset, long bytes, int open, int to) {
            for (long[] r : inUse(open, to)) if (r[0] < offset + bytes && offset < r[0] + r[1]) return false;
            return true;
        }

        /** The lowest block-aligned offset where {@code size} bytes are idle over the window, or -1. */
        long lowestFree(int open, int to, long size, long regionBytes) {
            long off = 0;
            for (long[] r : inUse(open, to)) {
                if (r[0] - off >= size) break;
                off = Math.max(off, align(r[0] + r[1]));
            }
            return off + size <= regionBytes ? off : -1;
        }

        /** {offset, bytes} of everything in use at some node of the window, sorted by offset. */
        private List<long[]> inUse(int open, int to) {
            int[][] w = window(open, to);
            List<long[]> out = new ArrayList<>();
            for (Busy b : busy) {
                for (int[] r : w) {
                    if (b.first() <= r[1] && r[0] <= b.last()) {
                        out.add(new long[] {b.offset(), b.bytes()});
                        break;
                    }
                }
            }
            out.sort(Comparator.comparingLong(r -> r[0]));
            return out;
        }
    }

    private static long align(long v) {
        return (v + ArenaPlanner.BLOCK - 1) / ArenaPlanner.BLOCK * ArenaPlanner.BLOCK;
    }
}
