package dev.demandlayering.runtime.io;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Reads a YAML file whose top level must be a mapping (SnakeYAML's safe loader), naming the file in every error. */
public final class YamlFiles {
    private YamlFiles() {
    }

    /**
     * @param what what the file is, for "not found" ("model manifest", "parameter file")
     * @param topLevel what the top level should hold, for the error when it is not a mapping
     */
    public static Map<?, ?> readMapping(Path file, String what, String topLevel) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, what + " not found");
        Object doc;
        try (Reader r = Files.newBufferedReader(file)) {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
        } catch (org.yaml.snakeyaml.error.YAMLException e) {
            throw new IOException(file + ": not valid YAML: " + e.getMessage(), e);
        }
        if (!(doc instanceof Map<?, ?> root)) throw new IOException(file + ": expected " + topLevel + " at the top level");
        return root;
    }
}
