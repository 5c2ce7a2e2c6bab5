package dev.demandlayering.perception;

import dev.demandlayering.runtime.Backends;
import dev.demandlayering.runtime.layers.WeightPrecision;
import dev.demandlayering.runtime.pack.DirectIo;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything a {@link Pipeline} is built from, typed and checked once: the models in the order they run (shipped
 * manifest names), the backend ({@code auto}, {@code cpu} or {@code cuda}), the arena size in bytes (0: the planner's
 * minimum), which layers stay resident, the weights' precision, how weights are read, and the heads' thresholds.
 * The ROS node builds it from its parameters, the CLI from its options.
 */
public record PerceptionConfig(List<String> models, String backend, long arenaSize, ResidencyMode residency, WeightPrecision weights,
                               DirectIo directIo, HeadSettings heads) {
    public PerceptionConfig {
        if (models == null || models.isEmpty()) throw new IllegalArgumentException("models: name at least one model");
        Set<String> seen = new HashSet<>();
        for (String m : models) if (!seen.add(m)) throw new IllegalArgumentException("models: '" + m + "' is listed twice; each model runs once a frame");
        models = List.copyOf(models);
        Backends.requireKnown(backend);
        if (arenaSize < 0) throw new IllegalArgumentException("arena_size must be 0 (the planner's minimum) or a size in bytes, got " + arenaSize);
        if (residency == null || weights == null || directIo == null || heads == null) {
            throw new IllegalArgumentException("residency, weight precision, direct I/O and head settings are required");
        }
    }

    /** These models with every other setting at its default (as the node's parameters default). */
    public static PerceptionConfig of(List<String> models) {
        return new PerceptionConfig(models, "auto", 0, ResidencyMode.AUTO, WeightPrecision.FP32, DirectIo.AUTO, HeadSettings.DEFAULTS);
    }

    public PerceptionConfig withBackend(String b) {
        return new PerceptionConfig(models, b, arenaSize, residency, weights, directIo, heads);
    }

    public PerceptionConfig withArena(long bytes, ResidencyMode mode) {
        return new PerceptionConfig(models, backend, bytes, mode, weights, directIo, heads);
    }

    public PerceptionConfig withWeights(WeightPrecision precision) {
        return new PerceptionConfig(models, backend, arenaSize, residency, precision, directIo, heads);
    }

    public PerceptionConfig withHeads(HeadSettings settings) {
        return new PerceptionConfig(models, backend, arenaSize, residency, weights, directIo, settings);
    }
}
