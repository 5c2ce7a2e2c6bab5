package dev.demandlayering.cli;

import dev.demandlayering.perception.Pipeline;
import dev.demandlayering.runtime.Session;
import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.exec.FrameStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Several configurations of one model set, each open (a session, or a perception pipeline), timed frame by frame in
 * turn: on a shared host a slow spell (another tenant, a clock change) then slows every configuration alike instead
 * of whichever one was running, so the differences between them, and a prediction against its measurement, are not
 * the host's noise. Sequential runs of one configuration after another differed by 2-4x on such a host. Closing it
 * closes what was added.
 */
final class InterleavedTiming implements AutoCloseable {
    /** One configuration: its session (for the plan's figures), how a frame runs, and what closing it closes. */
    private record Configuration(String name, Supplier<Session> session, Function<List<Map<String, float[]>>, FrameResult> run, AutoCloseable owner) {
    }

    private final List<Configuration> configurations = new ArrayList<>();

    /** Adds a configuration run by a session of the runtime's, returning the session. */
    Session add(String name, Session session) {
        configurations.add(new Configuration(name, () -> session, session::run, session));
        return session;
    }

    /** Adds a configuration run by a perception pipeline (its inference stage: inputs already preprocessed), returning it. */
    Pipeline add(String name, Pipeline pipeline) {
        configurations.add(new Configuration(name, pipeline::session, pipeline::infer, pipeline));
        return pipeline;
    }

    int size() {
        return configurations.size();
    }

    String name(int i) {
        return configurations.get(i).name();
    }

    Session session(int i) {
        return configurations.get(i).session().get();
    }

    int indexOf(String name) {
        for (int i = 0; i < configurations.size(); i++) if (configurations.get(i).name().equals(name)) return i;
        return -1;
    }

    /**
     * Warms each configuration up ({@link FrameTiming#warmUp}: at least {@code warmFrames} frames and {@code warmMs}),
     * then runs {@code frames} rounds of one frame per configuration on {@code inputs}; one timing per configuration.
     */
    List<FrameTiming> measure(List<Map<String, float[]>> inputs, int warmFrames, double warmMs, int frames) {
        for (Configuration c : configurations) FrameTiming.warmUp(c.run(), inputs, warmFrames, warmMs);
        List<List<FrameStats>> stats = new ArrayList<>();
        for (int i = 0; i < configurations.size(); i++) stats.add(new ArrayList<>());
        for (int f = 0; f < frames; f++) {
            for (int i = 0; i < configurations.size(); i++) stats.get(i).add(configurations.get(i).run().apply(inputs).stats());
        }
        return stats.stream().map(FrameTiming::of).toList();
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        for (Configuration c : configurations) {
            try {
                c.owner().close();
            } catch (Exception e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }
}
