package dev.demandlayering.runtime.exec;

import java.util.List;

/**
 * One frame's accounting. {@code peakBytes} is resident weights + the activation region + the ring's
 * high-water mark during the frame (bytes between the oldest live blob and the newest, including a skipped
 * tail), so it is what the arena really had in use.
 */
public record FrameStats(long arenaBytes, long peakBytes, long residentWeightBytes, long streamedWeightBytes, long modelWeightBytes,
                         long bytesRead, double latencyMs, double stallMs, double[] modelLatencyMs, List<LayerStats> layers) {
    public double computeMs() {
        return layers.stream().mapToDouble(LayerStats::computeMs).sum();
    }

    public double loadMs() {
        return layers.stream().mapToDouble(LayerStats::loadMs).sum();
    }
}
