package dev.demandlayering.cli;

import dev.demandlayering.runtime.ModelImporter;
import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.runtime.onnx.OnnxModelWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write a model (a TF.js graph model, an ONNX file, or a Darknet .cfg with --weights or --random-weights) as ONNX opset 13,",
                "after import and normalisation: the file other runtimes (ONNX Runtime, TensorRT) are compared on."})
final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL")
    Path model;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.onnx")
    Path output;

    @Mixin
    DarknetWeights darknetWeights = new DarknetWeights();

    @Override
    public Integer call() throws Exception {
        Graph raw = darknetWeights.check(model) ? ModelImporter.darknetGraph(model, darknetWeights.weights, darknetWeights.seedOrZero()) : ModelImporter.read(model);
        Graph g = ModelImporter.normalize(raw, model.toString());
        OnnxModelWriter.write(g, output);
        System.out.printf("%s: %d nodes -> %s%n", model, g.nodes().size(), output);
        return 0;
    }
}
