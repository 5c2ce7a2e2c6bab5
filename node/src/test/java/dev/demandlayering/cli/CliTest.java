package dev.demandlayering.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.demandlayering.TestRepo;
import dev.demandlayering.runtime.io.Npy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    /** The shipped Selfie model as TF.js (skips where the models are not fetched). */
    private static Path selfie() {
        Path model = TestRepo.cache().resolve("models/selfie.json");
        Assumptions.assumeTrue(Files.exists(model), "models not fetched (models/fetch.sh)");
        return model;
    }

    /** A zero input of Selfie's shape, as .npy. */
    private Path selfieInput() throws IOException {
        Path x = tmp.resolve("x.npy");
        Npy.write(x, new int[] {1, 256, 256, 3}, new float[256 * 256 * 3]);
        return x;
    }

    @Test
    void budgetBelowMinimumExitsWithTheMinimum() throws Exception {
        Path model = selfie();
        Path x = selfieInput();
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
    void theOptionsCarryTheParameterNamesAndKeepTheOldSpellings() throws Exception {
        Result help = run("run", "--help");
        for (String name : List.of("--arena-size=SIZE", "--residency=MODE", "--weight-precision=P", "--budget SIZE, the old spelling",
                "--resident MODE, the old spelling", "--fp16")) {
            assertTrue(help.out().replaceAll("\\s+", " ").contains(name), name + " missing from --help:\n" + help.out());
        }
        Result mode = run("run", "--pack", tmp.resolve("x.dlp").toString(), "--residency", "sometimes");
        assertEquals(2, mode.code());
        assertTrue(mode.err().contains("--residency/--resident must be none, auto or all, got 'sometimes'"), mode.err());
        Result precision = run("run", "--pack", tmp.resolve("x.dlp").toString(), "--weight-precision", "bf16");
        assertEquals(2, precision.code());
        assertTrue(precision.err().contains("--weight-precision: unknown weight precision 'bf16'; expected one of [fp32, fp16]"), precision.err());
        Result both = run("run", "--pack", tmp.resolve("x.dlp").toString(), "--fp16", "--weight-precision", "fp32");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("--fp16 and --weight-precision fp32 disagree"), both.err());
        Path model = selfie();
        Path x = selfieInput();
        // the new name reaches the planner as the old one did
        Result small = run("run", "--model", model.toString(), "--input", x.toString(), "--arena-size", "1MiB", "--output-dir", tmp.toString());
        assertEquals(2, small.code());
        assertTrue(small.err().contains("below the minimum of"), small.err());
        long[] resident = new long[2];
        String[] precisions = {"fp32", "fp16"};
        for (int i = 0; i < 2; i++) {
            Result r = run("run", "--model", model.toString(), "--input", x.toString(), "--weight-precision", precisions[i], "--residency", "all",
                    "--output-dir", tmp.resolve(precisions[i]).toString());
            assertEquals(0, r.code(), r.err());
            JsonNode json = new ObjectMapper().readTree(r.out().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
            resident[i] = json.get("resident_weight_bytes").asLong();
        }
        // float16 blobs in the arena: fewer weight bytes (not half: a layer's slot is at least one 4 KiB block)
        assertTrue(resident[1] < resident[0], "fp16 " + resident[1] + " bytes resident, fp32 " + resident[0]);
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
        // export takes the same parameters, with the same refusals
        Path onnx = tmp.resolve("yolov3-tiny.onnx");
        Result exported = run("export", cfg.toString(), "--random-weights", "42", "-o", onnx.toString());
        assertEquals(0, exported.code(), exported.err());
        assertTrue(Files.size(onnx) > 33L << 20, "the ONNX file holds the weights");
        Result exportMissing = run("export", cfg.toString(), "-o", tmp.resolve("y.onnx").toString());
        assertEquals(2, exportMissing.code());
        assertTrue(exportMissing.err().contains("a Darknet cfg needs exactly one of --weights FILE.weights and --random-weights SEED"), exportMissing.err());
        Result notDarknet = run("export", CONV.resolve("model.onnx").toString(), "--random-weights", "1", "-o", tmp.resolve("z.onnx").toString());
        assertEquals(2, notDarknet.code());
        assertTrue(notDarknet.err().contains("--weights and --random-weights are for Darknet .cfg models"), notDarknet.err());
    }

    /** Each input that used to fail with a bare exception text now fails with one line naming what was wrong and what was expected. */
    @Test
    void badFilesAndOptionsGetOneClearLine() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("a_dir"));
        Result packDir = run("run", "--pack", dir.toString());
        assertEquals(2, packDir.code());
        assertTrue(packDir.err().contains("--pack " + dir + " is a directory; expected a pack file (.dlp)"), packDir.err());
        Path selfie = TestRepo.cache().resolve("models/selfie.json");
        Assumptions.assumeTrue(Files.exists(selfie), "models not fetched (models/fetch.sh)");
        Result imageDir = run("run", "--model", selfie.toString(), "--image", dir.toString());
        assertEquals(2, imageDir.code());
        assertTrue(imageDir.err().contains(dir + " is a directory; expected a JPEG or PNG image file"), imageDir.err());
        Path file = Files.writeString(tmp.resolve("a_file"), "x");
        Result outFile = run("run", "--output-dir", file.toString());
        assertEquals(2, outFile.code());
        assertTrue(outFile.err().contains("--output-dir " + file + " exists and is not a directory"), outFile.err());
        Result both = run("run", "--image", file.toString(), "--input", "x.npy");
        assertTrue(both.code() == 2 && both.err().contains("--image and --input both give the model's input: use one of them"), both.err());
        Result zeroBandwidth = run("run", "--disk-bandwidth", "0");
        assertTrue(zeroBandwidth.code() == 2 && zeroBandwidth.err().contains("--disk-bandwidth must be a positive size per second"), zeroBandwidth.err());
        Result huge = run("run", "--budget", "99999999999GiB");
        assertTrue(huge.code() == 2 && huge.err().contains("'99999999999GiB' is too large a byte size (at most 8 EiB)"), huge.err());
        assertEquals(2L << 40, ByteSize.parse("2TiB"));
        assertEquals(3_000_000_000_000L, ByteSize.parse("3TB"));

        Path png = Files.write(tmp.resolve("claims.png"), dev.demandlayering.perception.TestImages.pngClaiming(30_000, 30_000));
        Result bigPng = run("run", "--model", selfie.toString(), "--image", png.toString());
        assertEquals(2, bigPng.code());
        assertTrue(bigPng.err().contains(png + " declares 30000x30000 pixels; at most 100000000 pixels"), bigPng.err());
        assertEquals(1, bigPng.err().strip().lines().count(), bigPng.err());
    }

    @Test
    void badPacksAndModelsNameTheFileAndTheProblem() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(CONV), "libonnx-testdata not installed");
        Path pack = tmp.resolve("conv.dlp");
        assertEquals(0, run("pack", CONV.resolve("model.onnx").toString(), "-o", pack.toString()).code());
        byte[] all = Files.readAllBytes(pack);
        Path cut = Files.write(tmp.resolve("cut.dlp"), java.util.Arrays.copyOf(all, all.length - 100));
        Result truncated = run("run", "--pack", cut.toString(), "--input", CONV.resolve("test_data_set_0/input_0.pb").toString());
        assertEquals(2, truncated.code());
        assertTrue(truncated.err().contains(cut + ": truncated pack: " + (all.length - 100) + " bytes, header says " + all.length), truncated.err());

        // an int64 tensor for a float32 input
        Path gather = Path.of("/usr/share/libonnx-testdata/data/node/test_gather_0/test_data_set_0/input_1.pb");
        Result int64 = run("run", "--pack", pack.toString(), "--input", "x=" + gather, "--input", "W=" + CONV.resolve("test_data_set_0/input_1.pb"));
        assertEquals(2, int64.code());
        assertTrue(int64.err().contains("the tensor's element type is int64; input 'x' takes float32"), int64.err());
    }

    @Test
    void zeroSizedOnnxDimensionsAreNotCalledSymbolic() throws Exception {
        Path model = tmp.resolve("zero.onnx");
        Process py = new ProcessBuilder("/usr/bin/python3", "-c", String.join("\n",
                "import onnx, sys", "from onnx import helper, TensorProto as T",
                "x = helper.make_tensor_value_info('x', T.FLOAT, [1, 0, 4]); y = helper.make_tensor_value_info('y', T.FLOAT, [1, 0, 4])",
                "g = helper.make_graph([helper.make_node('Relu', ['x'], ['y'])], 'g', [x], [y])",
                "onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)]), sys.argv[1])"), model.toString())
                .redirectErrorStream(true).start();
        String pyOut = new String(py.getInputStream().readAllBytes());
        Assumptions.assumeTrue(py.waitFor() == 0, "python3-onnx not installed: " + pyOut);
        Result r = run("pack", model.toString(), "-o", tmp.resolve("z.dlp").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("graph input 'x' has a zero-sized dimension 1 (shape [1, 0, 4])"), r.err());
    }

    /** bag info flags what a finished bag should not have: a metadata.yaml that disagrees with the files, a file without summary. */
    @Test
    void bagInfoFlagsStaleMetadataAndUnfinishedFiles() throws Exception {
        Path bag = tmp.resolve("b");
        try (dev.demandlayering.ros.bag.RosBagWriter w = new dev.demandlayering.ros.bag.RosBagWriter(bag)) {
            w.topic("/chatter", "diagnostic_msgs/msg/DiagnosticArray", dev.demandlayering.ros.bag.RosBagWriter.RELIABLE_QOS);
            byte[] msg = new dev.demandlayering.ros.msg.DiagnosticMsgs.DiagnosticArray(new dev.demandlayering.ros.msg.StdMsgs.Header(
                    new dev.demandlayering.ros.msg.StdMsgs.Time(1, 0), "x"), java.util.List.of()).encode();
            for (int i = 0; i < 20; i++) w.write("/chatter", i, msg);
        }
        Result ok = run("bag", "info", bag.toString());
        assertEquals(0, ok.code(), ok.out() + ok.err());
        Path meta = bag.resolve("metadata.yaml");
        Files.writeString(meta, Files.readString(meta).replace("message_count: 20", "message_count: 999"));
        Result stale = run("bag", "info", bag.toString());
        assertEquals(1, stale.code());
        assertTrue(stale.out().contains("says /chatter has 999 messages; the files hold 20"), stale.out());

        Path mcap = bag.resolve("b_0.mcap");
        byte[] all = Files.readAllBytes(mcap);
        Files.write(mcap, java.util.Arrays.copyOf(all, all.length - 30)); // footer and magic gone
        Files.delete(meta);
        Result unfinished = run("bag", "info", bag.toString());
        assertEquals(1, unfinished.code());
        assertTrue(unfinished.out().contains("has no metadata.yaml (the recording did not finish?)")
                && unfinished.out().contains("has no summary or footer"), unfinished.out());

        Result missing = run("bag", "info", tmp.resolve("nope").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("dlayer bag info: bag not found: "), missing.err());
    }
}
