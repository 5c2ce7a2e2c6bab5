package dev.demandlayering.runtime.plan;

/** One layer in frame order, as the planner and simulator see it: ring bytes it needs and its times. */
record Step(int model, int layer, long slotBytes, LayerCost cost) {
}
