package dev.demandlayering.cli;

import dev.demandlayering.runtime.ModelImporter;
import dev.demandlayering.runtime.layers.LayerBuilder;
import dev.demandlayering.runtime.pack.PackWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "pack", mixinStandardHelpOptions = true, description = "Import a model (.onnx, or a TF.js graph model .json) and write its layer pack.")
final class PackCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "model file: .onnx or TF.js model.json")
    Path model;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "PACK", description = "pack file to write (.dlp)")
    Path output;

    @Option(names = "--fp16", description = "also store a float16 copy of every blob")
    boolean fp16;

    @Override
    public Integer call() throws Exception {
        LayerBuilder.Result r = ModelImporter.importModel(model);
        PackWriter.write(r, output, fp16);
        System.out.printf("%s: %d layers, %s of weights (largest layer %s) -> %s%n", model, r.model().layers().size(),
                ByteSize.human(r.model().totalWeightBytes()), ByteSize.human(r.model().largestLayerBytes()), output);
        return 0;
    }
}
