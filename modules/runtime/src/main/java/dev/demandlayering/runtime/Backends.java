package dev.demandlayering.runtime;

import dev.demandlayering.runtime.cpu.CpuBackend;
import dev.demandlayering.runtime.cuda.CudaBackend;
import dev.demandlayering.runtime.cuda.CudaDevice;
import dev.demandlayering.runtime.exec.Backend;
import java.util.List;

/** Chooses a backend from a request (auto, cpu, cuda) and says why. */
public final class Backends {
    private Backends() {
    }

    /** The backend and the reason it was chosen, for the start-up log. */
    public record Choice(Backend backend, String reason) {
    }

    /** The backend names a parameter or option may give. */
    public static final List<String> NAMES = List.of("auto", "cpu", "cuda");

    /** Refuses a backend name other than auto, cpu or cuda, before anything is opened. */
    public static void requireKnown(String requested) {
        if (!NAMES.contains(requested)) {
            throw new IllegalArgumentException("backend must be auto, cpu or cuda, got '" + requested + "'");
        }
    }

    public static Choice select(String requested) {
        requireKnown(requested);
        return switch (requested) {
            case "cpu" -> new Choice(new CpuBackend(), "backend cpu requested");
            case "cuda" -> {
                CudaBackend b = CudaBackend.open();
                yield new Choice(b, "backend cuda requested: " + b.device().reason());
            }
            case "auto" -> {
                CudaDevice d = CudaDevice.probe();
                if (!d.available()) yield new Choice(new CpuBackend(), "backend auto: using cpu, " + d.reason());
                try {
                    yield new Choice(CudaBackend.open(), "backend auto: using cuda, " + d.reason());
                } catch (RuntimeException e) {
                    yield new Choice(new CpuBackend(), "backend auto: using cpu, the CUDA backend failed to start: " + e.getMessage());
                }
            }
            default -> throw new IllegalStateException("unreachable: " + requested);
        };
    }
}
