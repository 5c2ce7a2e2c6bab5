package dev.demandlayering.cli;

import dev.demandlayering.models.ModelCatalog;
import dev.demandlayering.models.ModelManifest;
import dev.demandlayering.perception.Pipeline;
import dev.demandlayering.perception.Preprocessor;
import dev.demandlayering.runtime.io.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        List<ModelManifest> manifests = new ArrayList<>();
        for (String name : models) manifests.add(cat.manifest(name));
        // the pipeline's own preprocessing stage, so that bench --inputs times what the node would run
        List<Map<String, float[]>> tensors = Pipeline.inputs(manifests, img);
        for (int i = 0; i < manifests.size(); i++) {
            ModelManifest m = manifests.get(i);
            Path file = out.resolve(m.name() + ".npy");
            Npy.write(file, m.inputShape(), tensors.get(i).get(m.inputName()));
            System.out.println(file);
        }
        return 0;
    }
}
