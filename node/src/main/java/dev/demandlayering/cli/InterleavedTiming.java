package dev.demandlayering.cli;

import dev.demandlayering.runtime.Session;
import dev.demandlayering.runtime.exec.FrameStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Several configurations of one model set, each an open session, timed frame by frame in turn: on a shared host a
 * slow spell (another tenant, a clock change) then slows every configuration alike instead of whichever one was
 * running, so the differences between them, and a prediction against its measurement, are not the host's noise.
 * Sequential runs of one configuration after another differed by 2-4x on such a host. Closing it closes the sessions.
 */
final class InterleavedTiming implements AutoCloseable {
    private final List<String> names = new ArrayList<>();
    private final List<Session> sessions = new ArrayList<>();

    /** Adds a configuration, returning its session. */
    Session add(String name, Session session) {
        names.add(name);
        sessions.add(session);
        return session;
    }

    int size() {
        return sessions.size();
    }

    String name(int i) {
        return names.get(i);
    }

    Session session(int i) {
        return sessions.get(i);
    }

    int indexOf(String name) {
        return names.indexOf(name);
    }

    /**
     * Warms each configuration up ({@link FrameTiming#warmUp}: at least {@code warmFrames} frames and {@code warmMs}),
     * then runs {@code frames} rounds of one frame per configuration on {@code inputs}; one timing per configuration.
     */
    List<FrameTiming> measure(List<Map<String, float[]>> inputs, int warmFrames, double warmMs, int frames) {
        for (Session s : sessions) FrameTiming.warmUp(s, inputs, warmFrames, warmMs);
        List<List<FrameStats>> stats = new ArrayList<>();
        for (int i = 0; i < sessions.size(); i++) stats.add(new ArrayList<>());
        for (int f = 0; f < frames; f++) {
            for (int i = 0; i < sessions.size(); i++) stats.get(i).add(sessions.get(i).run(inputs).stats());
        }
        return stats.stream().map(FrameTiming::of).toList();
    }

    @Override
    public void close() {
        for (Session s : sessions) s.close();
    }
}
