package dev.demandlayering.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.TestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench --vs onnxruntime} end to end: real ONNX Runtime and dlayer peer processes on a shipped model and a
 * paper cfg, a table whose figures hang together, and clear refusals. Speed is printed, never asserted.
 */
class BenchVsOnnxRuntimeTest {
    @TempDir
    Path tmp;

    static void assumePeerBuilt() {
        Path jar = TestRepo.root().resolve("peers/onnxruntime/target/ort-peer.jar");
        Assumptions.assumeTrue(Files.exists(jar), "the ONNX Runtime peer is not built (tools/test.sh builds it: mvn -Ponnxruntime -pl peers/onnxruntime package)");
    }

    @Test
    void comparesOnnxRuntimeAndDlayerOnTheSameExportedModel() throws Exception {
        assumePeerBuilt();
        Path out = tmp.resolve("vs.md");
        List<String> args = new java.util.ArrayList<>(List.of("bench", "--vs", "onnxruntime", "--models", "selfie", "--frames", "2", "--rounds", "2",
                "--output", out.toString()));
        Path cfg = TestRepo.root().resolveSibling("shared").resolve("paper-models/yolov4-tiny.cfg");
        if (Files.exists(cfg)) args.addAll(List.of("--nets", "yolov4-tiny"));
        Path childTmp = Files.createDirectories(tmp.resolve("java-tmp"));
        dev.demandlayering.ChildCli.Result r = dev.demandlayering.ChildCli.runWith(List.of("-Djava.io.tmpdir=" + childTmp), args.toArray(String[]::new));
        assertEquals(0, r.code(), r.out());
        // the exported models, packs, logs and the peers' temporary files (ONNX Runtime's unpacked library) are gone
        try (var left = Files.list(childTmp)) {
            assertEquals(List.of(), left.toList(), "what bench --vs left in java.io.tmpdir");
        }
        String md = Files.readString(out);
        System.out.print(md);
        assertTrue(md.contains("ONNX Runtime 1.22.0: default CPU provider"), md);
        assertTrue(Files.size(tmp.resolve("vs.png")) > 0, "the plot");
        for (String model : Files.exists(cfg) ? List.of("selfie", "yolov4-tiny") : List.of("selfie")) {
            String row = md.lines().filter(l -> l.startsWith("| " + model + " |")).findFirst().orElseThrow(() -> new AssertionError(model + " row: " + md));
            String[] cells = Arrays.stream(row.split("\\|")).map(String::trim).filter(s -> !s.isEmpty()).toArray(String[]::new);
            double ort = ms(cells[2]), streamed = ms(cells[7]);
            assertTrue(ort > 0 && ms(cells[4]) > 0 && streamed > 0, row);
            // the ratio is the two medians' (both rounded to 0.01 in the table)
            assertEquals(streamed / ort, Double.parseDouble(cells[10]), 0.02 * Math.max(1, streamed / ort), row);
            assertTrue(bytes(cells[8]) < bytes(cells[5]), model + ": the minimum arena is smaller than the resident one: " + row);
            assertTrue(Double.parseDouble(cells[1]) > 0, model + ": GFLOP counted: " + row);
        }
    }

    @Test
    void badComparisonsAreRefusedInOneLine() {
        CliTest.Result other = CliTest.run("bench", "--vs", "tensorrt");
        assertEquals(2, other.code());
        assertTrue(other.err().contains("--vs: the one peer is onnxruntime, got 'tensorrt'"), other.err());
        CliTest.Result paper = CliTest.run("bench", "--vs", "onnxruntime", "--paper");
        assertEquals(2, paper.code());
        assertTrue(paper.err().contains("--vs and --paper are separate benchmarks"), paper.err());
        System.setProperty("dlayer.ortPeer", tmp.resolve("nowhere").toString());
        try {
            CliTest.Result missing = CliTest.run("bench", "--vs", "onnxruntime", "--models", "selfie");
            assertEquals(2, missing.code(), missing.err());
            assertTrue(missing.err().contains("the ONNX Runtime peer is not built: mvn -Ponnxruntime -pl peers/onnxruntime package"), missing.err());
        } finally {
            System.clearProperty("dlayer.ortPeer");
        }
    }

    /**
     * A comparison whose peer fails keeps its folder, and says where (the error names the peer's log in it); one
     * refused before any peer ran leaves nothing.
     */
    @Test
    void aFailedComparisonKeepsItsFilesOnlyWhereThereAreAny() throws Exception {
        // an ONNX Runtime peer that cannot start: its jar is not a jar
        Path peer = Files.createDirectories(tmp.resolve("broken-peer"));
        Files.createDirectories(peer.resolve("lib"));
        Files.writeString(peer.resolve("ort-peer.jar"), "not a jar");
        Path childTmp = Files.createDirectories(tmp.resolve("java-tmp-failed"));
        List<String> jvm = List.of("-Djava.io.tmpdir=" + childTmp, "-Ddlayer.ortPeer=" + peer);
        dev.demandlayering.ChildCli.Result r = dev.demandlayering.ChildCli.runWith(jvm, "bench", "--vs", "onnxruntime", "--models", "selfie", "--frames", "1",
                "--rounds", "1", "--output", tmp.resolve("failed.md").toString());
        assertEquals(2, r.code(), r.out());
        assertTrue(r.out().contains("benchmark peer onnxruntime (selfie) did not start"), r.out());
        Path kept;
        try (var left = Files.list(childTmp)) {
            kept = left.filter(p -> p.getFileName().toString().startsWith("dlayer-vs-ort")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
        }
        assertTrue(r.out().contains("bench: its files are kept in " + kept), r.out());
        assertTrue(Files.exists(kept.resolve("selfie-ort.log")), "the peer's log named in the error");
        // refused before anything was written: a cfg that does not parse
        Path cfgs = Files.createDirectories(tmp.resolve("cfgs"));
        Files.writeString(cfgs.resolve("broken.cfg"), "[net]\nwidth=oops\n");
        Path emptyTmp = Files.createDirectories(tmp.resolve("java-tmp-refused"));
        dev.demandlayering.ChildCli.Result refused = dev.demandlayering.ChildCli.runWith(List.of("-Djava.io.tmpdir=" + emptyTmp), "bench", "--vs", "onnxruntime",
                "--nets", "broken", "--paper-models", cfgs.toString(), "--output", tmp.resolve("refused.md").toString());
        assertTrue(refused.code() != 0, refused.out());
        assertTrue(!refused.out().contains("its files are kept"), refused.out());
        try (var left = Files.list(emptyTmp)) {
            assertEquals(List.of(), left.toList(), refused.out());
        }
    }

    private static double ms(String cell) {
        return Double.parseDouble(cell.replace(" ms", ""));
    }

    private static double bytes(String cell) {
        String[] p = cell.split(" ");
        double v = Double.parseDouble(p[0]);
        return switch (p[1]) {
            case "KiB" -> v * 1024;
            case "MiB" -> v * 1048576;
            case "GiB" -> v * 1073741824;
            default -> v;
        };
    }
}
