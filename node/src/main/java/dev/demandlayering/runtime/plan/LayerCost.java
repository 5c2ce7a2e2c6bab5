package dev.demandlayering.runtime.plan;

/** Measured or supplied per-layer times, in milliseconds: reading its weights, and computing it. */
public record LayerCost(double loadMs, double computeMs) {
}
