package dev.demandlayering.ros.replay;

import java.util.List;

/** One replayed camera frame: where it came from and what processing it cost (one row of the replay report). */
public record FrameRecord(int index, String camera, int stampSec, long stampNanosec, long logTimeNanos, double latencyMs, double stallMs,
                          long peakBytes, long arenaBytes, long bytesRead, double sinceReceiptMs, boolean missedDeadline, List<String> summaries) {
}
