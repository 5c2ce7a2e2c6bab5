package dev.demandlayering.cli;

import dev.demandlayering.models.ModelCatalog;
import dev.demandlayering.models.ModelManifest;
import dev.demandlayering.perception.Preprocessor;
import dev.demandlayering.runtime.io.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "inputs", mixinStandardHelpOptions = true,
        description = "Write each model's preprocessed input tensor for an image as DIR/NAME.npy (for bench --inputs where images cannot be decoded, e.g. the GPU bundle).")
final class InputsCommand implements Callable<Integer> {
    @Option(names = "--models", split = ",", paramLabel = "NAME", description = "manifest names; default ${DEFAULT-VALUE}")
    List<String> models = List.of("nanodet", "selfie", "meet");

    @Option(names = "--image", paramLabel = "IMAGE", description = "default: messi5.jpg from the fetched sample data")
    Path image;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR")
    Path out;

    @Override
    public Integer call() throws Exception {
        ModelCatalog cat = ModelCatalog.fromEnvironment();
        var img = Preprocessor.load(image != null ? image : cat.data("messi5.jpg"));
        Files.createDirectories(out);
        for (String name : models) {
            ModelManifest m = cat.manifest(name);
            Npy.write(out.resolve(name + ".npy"), m.inputShape(), Preprocessor.modelInput(m, img));
            System.out.println(out.resolve(name + ".npy"));
        }
        return 0;
    }
}
