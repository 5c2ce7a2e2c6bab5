package dev.demandlayering.runtime;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.runtime.graph.ModelImportException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportErrorsTest {
    @TempDir
    Path tmp;

    private static Path conformanceModel(String name) {
        Path p = OnnxConformanceTest.ROOT.resolve(name).resolve("model.onnx");
        Assumptions.assumeTrue(Files.exists(p), "ONNX conformance data not installed (apt-get install libonnx-testdata)");
        return p;
    }

    @Test
    void unsupportedOperatorNamesOpNodeAndTheSupportedList() {
        Path model = conformanceModel("test_abs");
        ModelImportException e = assertThrows(ModelImportException.class, () -> ModelImporter.importModel(model));
        assertTrue(e.getMessage().contains("unsupported operator Abs") && e.getMessage().contains("node 'Abs_0'")
                && e.getMessage().contains("Conv") && e.getMessage().contains(model.toString()), e.getMessage());
    }

    @Test
    void truncatedOnnxNamesTheFile() throws IOException {
        byte[] full = Files.readAllBytes(conformanceModel("test_basic_conv_with_padding"));
        Path cut = tmp.resolve("cut.onnx");
        Files.write(cut, java.util.Arrays.copyOf(full, full.length / 2));
        ModelImportException e = assertThrows(ModelImportException.class, () -> ModelImporter.importModel(cut));
        assertTrue(e.getMessage().contains("cut.onnx") && e.getMessage().contains("not a valid ONNX model"), e.getMessage());
    }

    @Test
    void missingModelFile() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> ModelImporter.importModel(tmp.resolve("absent.onnx")));
        assertTrue(e.getFile().endsWith("absent.onnx"));
    }

    @Test
    void unknownFormat() throws IOException {
        Path f = Files.writeString(tmp.resolve("model.txt"), "hello");
        ModelImportException e = assertThrows(ModelImportException.class, () -> ModelImporter.importModel(f));
        assertTrue(e.getMessage().contains("unknown model format"), e.getMessage());
    }

    @Test
    void tfjsWithTruncatedWeightsNamesTheWeight() throws IOException {
        Path json = Files.writeString(tmp.resolve("m.json"), """
                {"format":"graph-model","modelTopology":{"node":[
                  {"name":"input_1","op":"Placeholder","attr":{"shape":{"shape":{"dim":[{"size":"1"},{"size":"4"}]}}}},
                  {"name":"w","op":"Const"},
                  {"name":"y","op":"MatMul","input":["input_1","w"]}]},
                 "signature":{"outputs":{"y:0":{"name":"y:0"}}},
                 "weightsManifest":[{"paths":["m.bin"],"weights":[{"name":"w","shape":[4,2],"dtype":"float32"}]}]}
                """);
        Files.write(tmp.resolve("m.bin"), new byte[12]);
        ModelImportException e = assertThrows(ModelImportException.class, () -> ModelImporter.importModel(json));
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void tfjsUnsupportedOperator() throws IOException {
        Path json = Files.writeString(tmp.resolve("u.json"), """
                {"format":"graph-model","modelTopology":{"node":[
                  {"name":"input_1","op":"Placeholder","attr":{"shape":{"shape":{"dim":[{"size":"1"},{"size":"4"}]}}}},
                  {"name":"y","op":"Erf","input":["input_1"]}]},
                 "signature":{"outputs":{"y:0":{"name":"y:0"}}}, "weightsManifest":[]}
                """);
        ModelImportException e = assertThrows(ModelImportException.class, () -> ModelImporter.importModel(json));
        assertTrue(e.getMessage().contains("unsupported TF.js operator Erf") && e.getMessage().contains("node 'y'"), e.getMessage());
    }
}
