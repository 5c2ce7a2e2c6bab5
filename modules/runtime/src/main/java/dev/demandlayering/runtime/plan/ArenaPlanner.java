package dev.demandlayering.runtime.plan;

import dev.demandlayering.runtime.layers.Layer;
import dev.demandlayering.runtime.layers.LayerBuilder;
import dev.demandlayering.runtime.layers.LayeredModel;
import dev.demandlayering.runtime.layers.WeightPrecision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans one arena for a list of models run in order each frame. The arena is [resident | activations |
 * workspace | ring]: the activation region is the largest single model's liveness plan (models never overlap
 * in time), the workspace is the backend's scratch for its kernels (GEMM operands on a GPU; none on the CPU),
 * the ring holds streamed blobs (padded to the 4096-byte direct-I/O block), and resident blobs are placed once.
 * See docs/planner.md for the trade-off algorithm.
 */
public final class ArenaPlanner {
    public static final long BLOCK = 4096;

    private ArenaPlanner() {
    }

    /**
     * Planner inputs beyond the models. {@code budget} 0 means "no budget given"; {@code workspaceBytes} is the
     * backend's kernel scratch ({@code Backend.workspaceBytes}), which counts toward the arena like everything else.
     */
    public record Request(long budget, ResidencyMode mode, boolean prefetch, Map<String, LayerCost> costs, long workspaceBytes, WeightPrecision weights) {
        public Request(long budget, ResidencyMode mode, boolean prefetch, Map<String, LayerCost> costs) {
            this(budget, mode, prefetch, costs, 0, WeightPrecision.FP32);
        }

        public static Request of(long budget, ResidencyMode mode) {
            return new Request(budget, mode, true, null);
        }

        public Request withWorkspace(long bytes) {
            return new Request(budget, mode, prefetch, costs, bytes, weights);
        }

        /** Weights in {@code precision} (float16: the packs' float16 blobs, half the slot bytes of every layer). */
        public Request withWeights(WeightPrecision precision) {
            return new Request(budget, mode, prefetch, costs, workspaceBytes, precision);
        }
    }

    /** Key of a layer in cost maps: "model/layerIndex". */
    public static String key(int model, int layer) {
        return model + "/" + layer;
    }

    public static long slotBytes(Layer l) {
        return slotBytes(l, WeightPrecision.FP32);
    }

    /** Arena bytes for a layer's blob in {@code weights}' precision, padded to the direct-I/O block. */
    public static long slotBytes(Layer l, WeightPrecision weights) {
        return LayerBuilder.align(weights.of(l.weightBytes()), BLOCK);
    }

    public static ArenaPlan plan(List<LayeredModel> models, Request req) {
        List<ActivationPlanner.Placement> acts = new ArrayList<>();
        long actBytes = 0;
        for (LayeredModel m : models) {
            ActivationPlanner.Placement p = ActivationPlanner.place(m);
            acts.add(p);
            actBytes = Math.max(actBytes, p.bytes());
        }
        actBytes = LayerBuilder.align(actBytes, BLOCK);
        long ws = LayerBuilder.align(req.workspaceBytes(), BLOCK);
        List<Step> steps = steps(models, req.weights(), req.costs());
        long maxSlot = steps.stream().mapToLong(Step::slotBytes).max().orElse(0), allWeights = steps.stream().mapToLong(Step::slotBytes).sum();
        long minimum = actBytes + ws + maxSlot;
        long fullyResident = actBytes + ws + allWeights;
        boolean[] resident = new boolean[steps.size()];
        long ring;
        double predicted = Double.NaN; // without costs there is nothing to predict
        switch (req.mode()) {
            case ALL -> {
                if (req.budget() > 0 && req.budget() < fullyResident) {
                    throw new BudgetTooSmallException("arena budget " + req.budget() + " bytes cannot hold all weights resident: that needs "
                            + fullyResident + " bytes (" + allWeights + " weights + " + actBytes + " activations" + workspaceNote(ws) + ")", fullyResident);
                }
                java.util.Arrays.fill(resident, true);
                ring = 0;
            }
            case NONE -> {
                checkMinimum(req.budget(), minimum, actBytes + ws, maxSlot, ws);
                ring = req.budget() > 0 ? (req.budget() - actBytes - ws) / BLOCK * BLOCK : maxSlot;
            }
            default -> {
                if (req.budget() <= 0) throw new IllegalArgumentException("the trade-off (resident auto) needs an arena budget");
                checkMinimum(req.budget(), minimum, actBytes + ws, maxSlot, ws);
                if (req.budget() >= fullyResident) {
                    java.util.Arrays.fill(resident, true);
                    ring = 0;
                } else {
                    if (req.costs() == null) throw new IllegalArgumentException("the trade-off needs per-layer costs (profile first)");
                    // the selector's predictions lend idle activation bytes as if every layer streamed
                    boolean[] none = new boolean[steps.size()];
                    int[] opens = opensAfter(models, slack(models, acts, actBytes, none, req));
                    ResidencySelector.Choice c = ResidencySelector.choose(steps, req.budget() - actBytes - ws, maxSlot, req.prefetch(), opens);
                    resident = c.resident();
                    ring = c.ringBytes();
                }
            }
        }
        SlackSlots.Slot[][] slack = slack(models, acts, actBytes, resident, req);
        // the plan's own slots (the selector simulated an all-streamed plan's)
        if (req.costs() != null) predicted = PipelineSimulator.frameMs(steps, resident, ring, req.prefetch(), opensAfter(models, slack));
        return assemble(models, acts, steps, resident, actBytes, ws, ring, minimum, fullyResident, req, predicted, slack);
    }

    /**
     * The frame latency the pipeline model predicts for {@code plan} as it is (its resident set, ring and slack
     * slots) with these per-layer costs: what {@link ArenaPlan#predictedFrameMs()} is for the profile's costs.
     */
    public static double predict(ArenaPlan plan, Map<String, LayerCost> costs) {
        List<LayeredModel> models = plan.models().stream().map(ArenaPlan.ModelPlan::model).toList();
        List<Step> steps = steps(models, plan.weights(), costs);
        boolean[] resident = new boolean[steps.size()];
        for (int i = 0; i < resident.length; i++) resident[i] = plan.models().get(steps.get(i).model()).isResident(steps.get(i).layer());
        SlackSlots.Slot[][] slack = plan.models().stream().map(ArenaPlan.ModelPlan::slack).toArray(SlackSlots.Slot[][]::new);
        return PipelineSimulator.frameMs(steps, resident, plan.ringBytes(), plan.prefetch(), opensAfter(models, slack));
    }

    /** Every layer of every model in frame order, with its slot size and its cost (zero where {@code costs} has none). */
    private static List<Step> steps(List<LayeredModel> models, WeightPrecision weights, Map<String, LayerCost> costs) {
        List<Step> steps = new ArrayList<>();
        for (int mi = 0; mi < models.size(); mi++) {
            for (Layer l : models.get(mi).layers()) {
                LayerCost c = costs == null ? null : costs.get(key(mi, l.index()));
                steps.add(new Step(mi, l.index(), slotBytes(l, weights), c != null ? c : new LayerCost(0, 0)));
            }
        }
        return steps;
    }

    /**
     * Per model and layer, the idle activation bytes lent to its streamed blob (offsets relative to the activation
     * region), or null. Only where the loader runs ahead: sequential loading reads a blob only when compute asks.
     */
    private static SlackSlots.Slot[][] slack(List<LayeredModel> models, List<ActivationPlanner.Placement> acts, long actBytes, boolean[] resident,
                                             Request req) {
        boolean[][] streamed = new boolean[models.size()][];
        for (int mi = 0, step = 0; mi < models.size(); mi++) {
            List<Layer> layers = models.get(mi).layers();
            streamed[mi] = new boolean[layers.size()];
            for (int l = 0; l < layers.size(); l++, step++) streamed[mi][l] = req.prefetch() && !resident[step] && layers.get(l).hasWeights();
        }
        return SlackSlots.place(models, acts, actBytes, streamed, req.weights());
    }

    /** Per step in frame order, the step whose completion opens its slack slot, or -1 (ring, resident, weightless). */
    private static int[] opensAfter(List<LayeredModel> models, SlackSlots.Slot[][] slack) {
        int[] out = new int[models.stream().mapToInt(m -> m.layers().size()).sum()];
        for (int mi = 0, step = 0; mi < models.size(); mi++) {
            for (SlackSlots.Slot s : slack[mi]) out[step++] = s == null ? -1 : s.opensAfter();
        }
        return out;
    }

    private static void checkMinimum(long budget, long minimum, long actAndWorkspace, long maxSlot, long ws) {
        if (budget > 0 && budget < minimum) {
            throw new BudgetTooSmallException("arena budget " + budget + " bytes is below the minimum of " + minimum + " bytes ("
                    + maxSlot + " for the largest layer's weights + " + (actAndWorkspace - ws) + " for activations" + workspaceNote(ws) + ")", minimum);
        }
    }

    private static String workspaceNote(long ws) {
        return ws > 0 ? " + " + ws + " for the backend's kernel workspace" : "";
    }

    private static ArenaPlan assemble(List<LayeredModel> models, List<ActivationPlanner.Placement> acts, List<Step> steps,
                                      boolean[] resident, long actBytes, long ws, long ring, long minimum, long fullyResident, Request req,
                                      double predicted,
                                      SlackSlots.Slot[][] slack) {
        long residentBytes = 0;
        Map<String, Long> residentAt = new HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            if (resident[i] && s.slotBytes() > 0) {
                residentAt.put(key(s.model(), s.layer()), residentBytes);
                residentBytes += s.slotBytes();
            }
        }
        long actOffset = residentBytes;
        long wsOffset = actOffset + actBytes;
        long ringOffset = wsOffset + ws;
        long arena = req.budget() > 0 && req.mode() != ResidencyMode.ALL ? req.budget() : ringOffset + ring;
        if (req.mode() == ResidencyMode.ALL && req.budget() > 0) arena = Math.max(req.budget(), ringOffset);
        List<ArenaPlan.ModelPlan> plans = new ArrayList<>();
        for (int mi = 0; mi < models.size(); mi++) {
            LayeredModel m = models.get(mi);
            Map<String, Long> offsets = new HashMap<>();
            acts.get(mi).offsets().forEach((k, v) -> offsets.put(k, actOffset + v));
            long[] res = new long[m.layers().size()];
            for (int l = 0; l < res.length; l++) {
                Long at = residentAt.get(key(mi, l));
                res[l] = at == null ? -1 : at;
            }
            SlackSlots.Slot[] lent = new SlackSlots.Slot[res.length];
            for (int l = 0; l < res.length; l++) {
                SlackSlots.Slot s = slack[mi][l];
                if (s != null) lent[l] = new SlackSlots.Slot(actOffset + s.offset(), s.opensAfter());
            }
            plans.add(new ArenaPlan.ModelPlan(m, offsets, res, lent));
        }
        return new ArenaPlan(arena, residentBytes, actOffset, actBytes, wsOffset, ws, ringOffset, ring, plans, minimum, fullyResident, req.prefetch(),
                predicted, req.weights());
    }
}
