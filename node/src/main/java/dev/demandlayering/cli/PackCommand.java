package dev.demandlayering.cli;

import dev.demandlayering.runtime.ModelImporter;
import dev.demandlayering.runtime.layers.LayerBuilder;
import dev.demandlayering.runtime.pack.PackWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "pack", mixinStandardHelpOptions = true,
        description = "Import a model (.onnx, a TF.js graph model .json, or a Darknet .cfg with --weights or --random-weights) and write its layer pack.")
final class PackCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "model file: .onnx, TF.js model.json or Darknet .cfg")
    Path model;

    @Mixin
    DarknetWeights darknetWeights = new DarknetWeights();

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "PACK", description = "pack file to write (.dlp)")
    Path output;

    @Option(names = "--tile-bytes", paramLabel = "SIZE", converter = ByteSize.class,
            description = "split convolutions and fully connected layers with more weights than SIZE into tiles along their output channels")
    Long tileBytes;

    @Option(names = "--fp16", description = "also store a float16 copy of every blob")
    boolean fp16;

    @Override
    public Integer call() throws Exception {
        boolean darknet = darknetWeights.check(model);
        if (tileBytes != null && tileBytes <= 0) throw new IllegalArgumentException("--tile-bytes must be a positive size, got " + tileBytes);
        LayerBuilder.Result r = darknet ? ModelImporter.importDarknet(model, darknetWeights.weights, darknetWeights.seedOrZero(), tileBytes)
                : ModelImporter.importModel(model, tileBytes);
        PackWriter.write(r, output, fp16);
        System.out.printf("%s: %d layers, %s of weights (largest layer %s) -> %s%n", model, r.model().layers().size(),
                ByteSize.human(r.model().totalWeightBytes()), ByteSize.human(r.model().largestLayerBytes()), output);
        return 0;
    }
}
