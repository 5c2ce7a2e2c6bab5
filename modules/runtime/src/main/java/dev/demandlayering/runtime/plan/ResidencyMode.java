package dev.demandlayering.runtime.plan;

import java.util.List;

/** How the planner chooses resident layers. */
public enum ResidencyMode {
    /** Stream every layer with weights (the minimum-memory end). */
    NONE,
    /** Keep the layers that cut the predicted stall most per byte, within the budget (the trade-off). */
    AUTO,
    /** Keep every layer resident: the fully preloaded baseline, no loader. */
    ALL;

    /** The names parameters and options use, lower case, the trade-off first. */
    public static final List<String> LABELS = List.of("auto", "none", "all");
}
