package dev.demandlayering.ros.node;

import dev.demandlayering.ros.msg.DiagnosticMsgs;
import dev.demandlayering.ros.msg.DiagnosticMsgs.DiagnosticStatus;
import dev.demandlayering.ros.msg.StdMsgs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * /diagnostics the way diagnostic_updater publishes them: one DiagnosticArray per period (about 1 Hz), whether frames
 * came or not, with one status per camera ({@code NODE: CAMERA}), one per model ({@code NODE: MODEL}) and one for the
 * shared arena ({@code NODE: arena}), so that diagnostic_aggregator and rqt_robot_monitor see steady names whose level
 * says what happened over the period: ERROR when frames failed, WARN when frames missed the deadline, none came, most
 * were dropped or weight reads stalled most of the inference time, else OK. Thread-safe: frames are counted on the
 * inference thread, the period is closed by a timer or by the next frame.
 */
final class PeriodDiagnostics {
    /** A share of dropped frames, or of inference time spent waiting for weights, at or above which a camera WARNs. */
    static final double WARN_SHARE = 0.5;

    private final String node;
    private final String hardwareId;
    private final List<String> models;
    private double deadlineMs;
    private long periodNanos;
    private final Map<String, CameraWindow> cameras = new LinkedHashMap<>();
    private final ModelWindow[] modelWindows;
    private long periodStart = NodeClock.UNKNOWN;
    private long peakBytes;

    PeriodDiagnostics(String node, String hardwareId, List<String> cameras, List<String> models, double deadlineMs, double periodSeconds) {
        this.node = node;
        this.hardwareId = hardwareId;
        this.models = List.copyOf(models);
        this.deadlineMs = deadlineMs;
        this.periodNanos = (long) (periodSeconds * 1e9);
        for (String c : cameras) this.cameras.put(c, new CameraWindow());
        modelWindows = new ModelWindow[models.size()];
        for (int i = 0; i < modelWindows.length; i++) modelWindows[i] = new ModelWindow();
    }

    private static final class CameraWindow {
        long frames, measured, late, failed, invalid, dropped, droppedBefore, framesTotal;
        double latencySum, latencyMax, stallSum, endToEndSum;
        long endToEndCount;
        String lastError = "";
    }

    private static final class ModelWindow {
        long frames, failed, bytesRead;
        double latencySum, stallSum;
        String lastResult = "";
    }

    /** A frame the node processed (or that failed); {@code droppedSoFar}: the camera's dropped frames in all. */
    synchronized void frame(FrameProcessor.Processed p, double[] modelLatencyMs, double[] modelStallMs, long[] modelBytesRead, long droppedSoFar) {
        CameraWindow w = window(p.frame().camera());
        w.frames++;
        w.framesTotal++;
        w.dropped = droppedSoFar - w.droppedBefore;
        if (p.failed()) {
            w.failed++;
            w.lastError = p.error();
            return;
        }
        if (p.error() != null) {
            w.failed++;
            w.lastError = p.error();
        }
        if (p.missedDeadline()) w.late++;
        w.measured++;
        w.latencySum += p.stats().latencyMs();
        w.latencyMax = Math.max(w.latencyMax, p.stats().latencyMs());
        w.stallSum += p.stats().stallMs();
        if (!Double.isNaN(p.endToEndMs())) {
            w.endToEndSum += p.endToEndMs();
            w.endToEndCount++;
        }
        peakBytes = Math.max(peakBytes, p.stats().peakBytes());
        for (int i = 0; i < modelWindows.length; i++) {
            ModelWindow m = modelWindows[i];
            m.frames++;
            m.latencySum += modelLatencyMs[i];
            m.stallSum += modelStallMs[i];
            m.bytesRead += modelBytesRead[i];
            m.lastResult = p.summaries().get(i);
            if (m.lastResult.startsWith("failed: ")) m.failed++;
        }
    }

    /** The period from the next one on (set_parameters). */
    synchronized void period(double seconds) {
        periodNanos = (long) (seconds * 1e9);
    }

    /** The deadline frames are measured against, from now on (set_parameters). */
    synchronized void deadline(double ms) {
        deadlineMs = ms;
    }

    /** A camera message that could not be decoded. */
    synchronized void invalid(String camera) {
        window(camera).invalid++;
    }

    private CameraWindow window(String camera) {
        return cameras.computeIfAbsent(camera, c -> new CameraWindow());
    }

    /**
     * The period's DiagnosticArray when one is due at {@code now} (the first call opens the first period) or
     * {@code force} asks for one, and the next period begins; null otherwise, and while the clock is unknown.
     * {@code arena}: the arena's figures now; {@code fault}: why inference stopped, or null.
     */
    synchronized DiagnosticMsgs.DiagnosticArray due(long now, Map<String, String> arena, String fault, boolean force) {
        if (now == NodeClock.UNKNOWN) return null;
        if (periodStart == NodeClock.UNKNOWN || now < periodStart) { // first call, or simulated time went back (a bag looped)
            periodStart = now;
            if (!force) return null;
        }
        if (!force && now - periodStart < periodNanos) return null;
        double seconds = Math.max(now - periodStart, 1) / 1e9;
        List<DiagnosticStatus> status = new ArrayList<>();
        cameras.forEach((camera, w) -> status.add(cameraStatus(camera, w, seconds)));
        for (int i = 0; i < models.size(); i++) status.add(modelStatus(models.get(i), modelWindows[i]));
        Map<String, String> a = new LinkedHashMap<>(arena);
        a.put("peak_bytes", Long.toString(peakBytes));
        status.add(status(fault != null ? DiagnosticMsgs.ERROR : DiagnosticMsgs.OK, "arena", fault != null ? fault : "ok", a));
        periodStart = now;
        peakBytes = 0;
        cameras.values().forEach(w -> reset(w));
        for (int i = 0; i < modelWindows.length; i++) modelWindows[i] = new ModelWindow();
        return new DiagnosticMsgs.DiagnosticArray(new StdMsgs.Header(StdMsgs.Time.ofNanos(now), ""), status);
    }

    private DiagnosticStatus cameraStatus(String camera, CameraWindow w, double seconds) {
        long processed = w.measured;
        double dropShare = w.frames + w.dropped == 0 ? 0 : w.dropped / (double) (w.frames + w.dropped);
        double stallShare = w.latencySum == 0 ? 0 : w.stallSum / w.latencySum;
        Map<String, String> kv = new LinkedHashMap<>();
        kv.put("topic", camera);
        kv.put("period_s", fmt(seconds));
        kv.put("frames", Long.toString(w.frames));
        boolean measurable = seconds >= 1e-3; // a period forced at once (the node stopping) has no rate
        kv.put("rate_hz", measurable ? fmt(w.frames / seconds) : "");
        kv.put("latency_mean_ms", processed == 0 ? "" : fmt(w.latencySum / processed));
        kv.put("latency_max_ms", processed == 0 ? "" : fmt(w.latencyMax));
        kv.put("stall_share", fmt(stallShare));
        kv.put("end_to_end_mean_ms", w.endToEndCount == 0 ? "" : fmt(w.endToEndSum / w.endToEndCount));
        kv.put("late_frames", Long.toString(w.late));
        kv.put("dropped_frames", Long.toString(w.dropped));
        kv.put("invalid_frames", Long.toString(w.invalid));
        kv.put("failed_frames", Long.toString(w.failed));
        kv.put("frames_total", Long.toString(w.framesTotal));
        kv.put("last_error", w.lastError);
        int level;
        String message;
        if (w.failed > 0) {
            level = DiagnosticMsgs.ERROR;
            message = w.failed + " of " + w.frames + " frames failed: " + w.lastError;
        } else if (w.frames == 0) {
            level = DiagnosticMsgs.WARN;
            message = w.framesTotal == 0 ? "waiting for the first frame" + (w.invalid > 0 ? " (" + w.invalid + " invalid messages)" : "")
                    : "no frames in the last " + fmt(seconds) + " s" + (w.invalid > 0 ? " (" + w.invalid + " invalid messages)" : "");
        } else if (w.late > 0) {
            level = DiagnosticMsgs.WARN;
            message = w.late + " of " + w.frames + " frames missed the " + fmt(deadlineMs) + " ms deadline";
        } else if (dropShare >= WARN_SHARE) {
            level = DiagnosticMsgs.WARN;
            message = String.format(Locale.ROOT, "dropping %.0f%% of frames: the camera is faster than inference", 100 * dropShare);
        } else if (stallShare >= WARN_SHARE) {
            level = DiagnosticMsgs.WARN;
            message = String.format(Locale.ROOT, "waiting for weight reads %.0f%% of inference time: the arena is too small for this disk", 100 * stallShare);
        } else {
            level = DiagnosticMsgs.OK;
            message = (measurable ? String.format(Locale.ROOT, "%.1f Hz, ", w.frames / seconds) : "") + (processed == 0 ? "?" : fmt(w.latencySum / processed))
                    + " ms per frame";
        }
        return status(level, camera, message, kv);
    }

    private DiagnosticStatus modelStatus(String model, ModelWindow m) {
        Map<String, String> kv = new LinkedHashMap<>();
        kv.put("frames", Long.toString(m.frames));
        kv.put("latency_mean_ms", m.frames == 0 ? "" : fmt(m.latencySum / m.frames));
        kv.put("stall_mean_ms", m.frames == 0 ? "" : fmt(m.stallSum / m.frames));
        kv.put("bytes_read_per_frame", m.frames == 0 ? "" : Long.toString(m.bytesRead / m.frames));
        kv.put("failed_frames", Long.toString(m.failed));
        kv.put("last_result", m.lastResult);
        boolean failed = m.failed > 0;
        String message = failed ? m.failed + " of " + m.frames + " frames failed: " + m.lastResult : m.frames == 0 ? "no frames" : m.lastResult;
        return status(failed ? DiagnosticMsgs.ERROR : DiagnosticMsgs.OK, model, message, kv);
    }

    private void reset(CameraWindow w) {
        w.droppedBefore += w.dropped;
        w.frames = w.measured = w.late = w.failed = w.invalid = w.dropped = w.endToEndCount = 0;
        w.latencySum = w.latencyMax = w.stallSum = w.endToEndSum = 0;
        w.lastError = "";
    }

    private DiagnosticStatus status(int level, String task, String message, Map<String, String> kv) {
        List<DiagnosticMsgs.KeyValue> values = new ArrayList<>();
        kv.forEach((k, v) -> values.add(new DiagnosticMsgs.KeyValue(k, v)));
        return new DiagnosticStatus(level, node + ": " + task, message, hardwareId, values);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
