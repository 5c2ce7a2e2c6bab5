package dev.demandlayering.runtime;

import dev.demandlayering.runtime.cpu.CpuBackend;
import dev.demandlayering.runtime.exec.Backend;

/** Chooses a backend from a request (auto, cpu, cuda) and says why. */
public final class Backends {
    private Backends() {
    }

    /** The backend and the reason it was chosen, for the start-up log. */
    public record Choice(Backend backend, String reason) {
    }

    public static Choice select(String requested) {
        return switch (requested) {
            case "cpu" -> new Choice(new CpuBackend(), "backend cpu requested");
            case "auto" -> new Choice(new CpuBackend(), "backend auto: this build has no CUDA backend yet, using cpu");
            case "cuda" -> throw new IllegalArgumentException("backend 'cuda' is not available in this build (the CUDA backend is issue 5); use cpu or auto");
            default -> throw new IllegalArgumentException("backend must be auto, cpu or cuda, got '" + requested + "'");
        };
    }
}
