package dev.demandlayering.runtime.exec;

import java.util.List;
import java.util.Map;

/** The outputs of every model for one frame (name to values, in model order) and the frame's statistics. */
public record FrameResult(List<Map<String, float[]>> outputs, FrameStats stats) {
}
