package dev.demandlayering.cli;

import dev.demandlayering.runtime.cuda.CudaDevice;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code dlayer gpu}: whether the CUDA backend can run here, on which device, or why not (the library or call that failed). */
@Command(name = "gpu", mixinStandardHelpOptions = true,
        description = {"Say whether a CUDA GPU is usable by the CUDA backend, and which (exit 0), or why not (exit 1)."})
final class GpuCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        CudaDevice d = CudaDevice.probe();
        if (d.available()) {
            System.out.println(d.reason());
            return 0;
        }
        System.out.println("no usable GPU: " + d.reason());
        return 1;
    }
}
