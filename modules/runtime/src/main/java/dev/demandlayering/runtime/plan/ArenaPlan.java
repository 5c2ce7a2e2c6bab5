package dev.demandlayering.runtime.plan;

import dev.demandlayering.runtime.layers.LayeredModel;
import dev.demandlayering.runtime.layers.WeightPrecision;
import java.util.List;
import java.util.Map;

/**
 * Where everything lives in the one arena: [resident weights | activations | kernel workspace | weight ring].
 * The activation, workspace and ring regions are shared by all models, which run one after another on each frame.
 * Streamed blobs go through the ring, or into activation bytes that are idle at the time ({@link SlackSlots}).
 *
 * @param minimumBytes the smallest arena any plan of these models could use (all streamed, ring = largest blob)
 * @param fullyResidentBytes the arena every layer's weights resident would take (activations and workspace included)
 * @param prefetch whether the loader runs ahead of compute (false = sequential: load, then compute)
 * @param weights the precision weights live in the arena in
 */
public record ArenaPlan(long arenaBytes, long residentBytes, long activationOffset, long activationBytes, long workspaceOffset,
                        long workspaceBytes, long ringOffset,
                        long ringBytes, List<ModelPlan> models, long minimumBytes, long fullyResidentBytes, boolean prefetch,
                        double predictedFrameMs, WeightPrecision weights) {

    /**
     * One model's placement.
     *
     * @param tensorOffsets absolute arena offset of every activation tensor
     * @param residentOffsets absolute arena offset of each layer's blob, or -1 when streamed (or weightless)
     * @param slack per layer, the idle activation bytes its streamed blob is read into (absolute offset), or null
     *     where it goes through the ring
     */
    public record ModelPlan(LayeredModel model, Map<String, Long> tensorOffsets, long[] residentOffsets, SlackSlots.Slot[] slack) {
        public boolean isResident(int layer) {
            return residentOffsets[layer] >= 0;
        }

        public boolean isStreamed(int layer) {
            return residentOffsets[layer] < 0 && model.layers().get(layer).hasWeights();
        }
    }

    /** How many streamed layers read their blobs into idle activation bytes instead of the ring. */
    public int slackLayerCount() {
        int c = 0;
        for (ModelPlan m : models) for (SlackSlots.Slot s : m.slack()) if (s != null) c++;
        return c;
    }

    /** The models' weight bytes in the arena's precision (half of the float32 figure for float16 weights). */
    public long totalWeightBytes() {
        return weights.of(models.stream().mapToLong(m -> m.model().totalWeightBytes()).sum());
    }

    public long streamedWeightBytes() {
        long s = 0;
        for (ModelPlan m : models) {
            for (int i = 0; i < m.residentOffsets().length; i++) if (m.isStreamed(i)) s += m.model().layers().get(i).weightBytes();
        }
        return weights.of(s);
    }

    public int residentLayerCount() {
        int c = 0;
        for (ModelPlan m : models) for (long o : m.residentOffsets()) if (o >= 0) c++;
        return c;
    }
}
