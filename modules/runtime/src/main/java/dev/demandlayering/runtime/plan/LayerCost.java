package dev.demandlayering.runtime.plan;

/**
 * Measured or supplied per-layer times, in milliseconds: reading its weights, computing it, and the compute time a
 * read takes from compute while they overlap ({@code overlapMs}: the loader's CPU time on the cores compute runs
 * on, shared among them; zero where compute runs elsewhere, on a GPU).
 */
public record LayerCost(double loadMs, double computeMs, double overlapMs) {
    public LayerCost(double loadMs, double computeMs) {
        this(loadMs, computeMs, 0);
    }
}
