package dev.demandlayering.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a Darknet cfg's parameters come from, for the commands that import models (pack, export). */
final class DarknetWeights {
    @Option(names = "--weights", paramLabel = "FILE", description = "Darknet: the .weights file")
    Path weights;

    @Option(names = "--random-weights", paramLabel = "SEED", description = "Darknet: seeded random parameters instead of a .weights file")
    Long seed;

    /** Whether {@code model} is a Darknet cfg; refuses parameters for other models and a cfg without exactly one source. */
    boolean check(Path model) {
        boolean darknet = model.getFileName().toString().toLowerCase().endsWith(".cfg");
        if (!darknet && (weights != null || seed != null)) throw new IllegalArgumentException("--weights and --random-weights are for Darknet .cfg models");
        if (darknet && (weights == null) == (seed == null)) {
            throw new IllegalArgumentException("a Darknet cfg needs exactly one of --weights FILE.weights and --random-weights SEED");
        }
        return darknet;
    }

    long seedOrZero() {
        return seed == null ? 0 : seed;
    }
}
