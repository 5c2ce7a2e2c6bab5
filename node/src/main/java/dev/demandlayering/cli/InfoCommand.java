package dev.demandlayering.cli;

import dev.demandlayering.runtime.layers.Layer;
import dev.demandlayering.runtime.pack.PackFile;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "info", mixinStandardHelpOptions = true, description = "Print a pack's layer table.")
final class InfoCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PACK")
    Path pack;

    @Override
    public Integer call() throws Exception {
        PackFile p = PackFile.open(pack);
        System.out.printf("model %s: %d layers, %s weights, largest layer %s, fp16 copy: %s%n", p.model().name(), p.model().layers().size(),
                ByteSize.human(p.model().totalWeightBytes()), ByteSize.human(p.model().largestLayerBytes()), p.hasFp16() ? "yes" : "no");
        System.out.println("inputs: " + p.model().inputs().keySet() + "  outputs: " + p.model().outputs());
        System.out.println("| # | first op | ops | weights | blob offset |");
        System.out.println("|---|---|---|---|---|");
        for (Layer l : p.model().layers()) {
            System.out.printf("| %d | %s `%s` | %d | %s | %d |%n", l.index(), l.kind(), l.name(), l.nodes().size(), ByteSize.human(l.weightBytes()),
                    p.blob(l.index()).offset());
        }
        return 0;
    }
}
