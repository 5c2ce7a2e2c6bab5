package dev.demandlayering.runtime.exec;

/**
 * What one layer cost in one frame. Load time is the blob read (possibly during an earlier layer); {@code loadCpuMs}
 * the loader thread's CPU time for it (the read's system time and the checksum).
 */
public record LayerStats(int model, int layer, String name, String kind, long weightBytes, boolean resident, double loadMs,
                         double waitMs, double computeMs, long bytesRead, double loadCpuMs) {
}
