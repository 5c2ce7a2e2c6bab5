package dev.demandlayering.ros.node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One slot per camera between the transport threads and the inference thread. A new frame replaces its
 * camera's frame that was not taken yet (the newest wins; the replaced one counts as dropped), and cameras
 * are served in turn, so a fast camera cannot starve a slow one. Never holds more than one frame per camera.
 */
final class CameraMailbox<T> {
    private final List<String> cameras;
    private final Map<String, T> slots = new LinkedHashMap<>();
    private final Map<String, Long> dropped = new LinkedHashMap<>();
    private int next;
    private boolean closed;

    CameraMailbox(List<String> cameras) {
        this.cameras = List.copyOf(cameras);
        for (String c : cameras) dropped.put(c, 0L);
    }

    synchronized void offer(String camera, T frame) {
        if (!dropped.containsKey(camera)) throw new IllegalArgumentException("camera '" + camera + "' has no slot (known: " + cameras + ")");
        if (slots.put(camera, frame) != null) dropped.merge(camera, 1L, Long::sum);
        notifyAll();
    }

    /** The next camera's newest frame, in turn from the camera after the last one served, waiting for one; null once closed. */
    synchronized T take() throws InterruptedException {
        while (slots.isEmpty() && !closed) wait();
        if (slots.isEmpty()) return null;
        for (int i = 0; i < cameras.size(); i++) {
            String c = cameras.get((next + i) % cameras.size());
            T f = slots.remove(c);
            if (f != null) {
                next = (next + i + 1) % cameras.size();
                return f;
            }
        }
        throw new IllegalStateException("unreachable: a slot is full but no camera holds it");
    }

    synchronized long dropped() {
        return dropped.values().stream().mapToLong(Long::longValue).sum();
    }

    synchronized Map<String, Long> droppedByCamera() {
        return new LinkedHashMap<>(dropped);
    }

    synchronized List<String> cameras() {
        return new ArrayList<>(cameras);
    }

    synchronized void close() {
        closed = true;
        notifyAll();
    }
}
