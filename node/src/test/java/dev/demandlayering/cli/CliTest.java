package dev.demandlayering.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.demandlayering.TestRepo;
import dev.demandlayering.runtime.io.Npy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user runs it: real conformance model files in, .npy and a JSON line out. */
class CliTest {
    static final Path CONV = Path.of("/usr/share/libonnx-testdata/data/node/test_basic_conv_with_padding");

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
        JsonNode lastJson() throws Exception {
            String[] lines = out.strip().split("\n");
            return new ObjectMapper().readTree(lines[lines.length - 1]);
        }
    }

    static Result run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(buf, true));
            var cl = Main.commandLine();
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            return new Result(code, buf.toString(), err.toString());
        } finally {
            System.setOut(saved);
        }
    }

    @Test
    void packThenRunWritesOutputsAndFigures() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(CONV), "libonnx-testdata not installed");
        Path pack = tmp.resolve("conv.dlp");
        Result p = run("pack", CONV.resolve("model.onnx").toString(), "-o", pack.toString());
        assertEquals(0, p.code(), p.err());
        Path out = tmp.resolve("out");
        Result r = run("run", "--pack", pack.toString(), "--input", CONV.resolve("test_data_set_0/input_0.pb").toString(), "--input",
                "W=" + CONV.resolve("test_data_set_0/input_1.pb"), "--resident", "none", "--output-dir", out.toString());
        // W is a graph input of this conformance model, so it is fed like data
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.lastJson();
        for (String k : new String[] {"arena_bytes", "peak_bytes", "resident_weight_bytes", "streamed_weight_bytes", "model_weight_bytes",
                "latency_ms", "stall_ms", "bytes_read", "direct_io"}) {
            assertTrue(j.has(k), "JSON lacks " + k + ": " + j);
        }
        assertTrue(j.get("peak_bytes").asLong() <= j.get("arena_bytes").asLong());
        Npy.Array y = Npy.read(out.resolve("y.npy"));
        var expected = dev.demandlayering.runtime.onnx.TensorProtos.readFile(CONV.resolve("test_data_set_0/output_0.pb")).tensor();
        assertArrayEquals(expected.shape(), y.shape());
        assertArrayEquals(expected.floats(), y.data(), 1e-4f);
    }

    @Test
    void budgetBelowMinimumExitsWithTheMinimum() throws Exception {
        Path model = TestRepo.cache().resolve("models/selfie.json");
        Assumptions.assumeTrue(Files.exists(model), "models not fetched (models/fetch.sh)");
        Path x = tmp.resolve("x.npy");
        Npy.write(x, new int[] {1, 256, 256, 3}, new float[256 * 256 * 3]);
        Result r = run("run", "--model", model.toString(), "--input", x.toString(), "--budget", "1MiB", "--output-dir", tmp.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("below the minimum of") && r.err().contains("bytes"), r.err());
    }

    @Test
    void badArgumentsAreExplained() {
        Result size = run("run", "--budget", "lots");
        assertEquals(2, size.code());
        assertTrue(size.err().contains("'lots' is not a byte size"), size.err());
        Result mode = run("run", "--pack", tmp.resolve("x.dlp").toString(), "--resident", "sometimes");
        assertEquals(2, mode.code());
        assertTrue(mode.err().contains("--resident must be none, auto or all"), mode.err());
        Result missing = run("run", "--pack", tmp.resolve("absent.dlp").toString(), "--input", "a.npy");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("pack file not found") && missing.err().contains("absent.dlp"), missing.err());
    }

    @Test
    void wrongInputShapeIsRefused() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(CONV), "libonnx-testdata not installed");
        Path bad = tmp.resolve("bad.npy");
        Npy.write(bad, new int[] {1, 1, 4, 4}, new float[16]);
        Result r = run("run", "--model", CONV.resolve("model.onnx").toString(), "--input", "x=" + bad, "--input",
                "W=" + CONV.resolve("test_data_set_0/input_1.pb"), "--output-dir", tmp.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("input 'x' needs shape [1, 1, 5, 5]") && r.err().contains("[1, 1, 4, 4]"), r.err());
    }

    @Test
    void byteSizes() {
        assertEquals(16L << 20, ByteSize.parse("16MiB"));
        assertEquals(1536, ByteSize.parse("1.5KiB"));
        assertEquals(2_000_000_000L, ByteSize.parse("2GB"));
        assertEquals(4096, ByteSize.parse("4096"));
    }

    @Test
    void packsADarknetCfgWithRandomWeights() throws Exception {
        Path cfg = TestRepo.root().resolveSibling("shared").resolve("paper-models/yolov3-tiny.cfg");
        Assumptions.assumeTrue(Files.exists(cfg), "../shared/paper-models not present");
        Path pack = tmp.resolve("yolov3-tiny.dlp");
        Result r = run("pack", cfg.toString(), "--random-weights", "42", "-o", pack.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("13 layers, 33.76 MiB of weights (largest layer 18.00 MiB)"), r.out()); // 13 weighted layers: the packer groups weightless ones with them
        Result missing = run("pack", cfg.toString(), "-o", tmp.resolve("x.dlp").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("a Darknet cfg needs exactly one of --weights FILE.weights and --random-weights SEED"), missing.err());
    }
}
