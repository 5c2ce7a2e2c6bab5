package dev.demandlayering.cli;

import dev.demandlayering.runtime.ModelImporter;
import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.runtime.onnx.OnnxModelWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a model (e.g. a TF.js graph model) as ONNX opset 13, after import and normalisation.")
final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL")
    Path model;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.onnx")
    Path output;

    @Override
    public Integer call() throws Exception {
        Graph g = ModelImporter.normalize(ModelImporter.read(model), model.toString());
        OnnxModelWriter.write(g, output);
        System.out.printf("%s: %d nodes -> %s%n", model, g.nodes().size(), output);
        return 0;
    }
}
