package dev.demandlayering.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.demandlayering.TestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory-delay benches end to end on a real model and a paper cfg, one frame or two per configuration (the
 * figures themselves are noise at that length; what is checked is that every configuration is opened, timed in the
 * interleaved rounds and reported, with the planner's prediction beside each trade-off point).
 */
class BenchTest {
    @TempDir
    Path tmp;

    @Test
    void theShippedModelBenchReportsEveryConfiguration() throws Exception {
        Assumptions.assumeTrue(Files.exists(TestRepo.cache().resolve("models/meet.json")), "real models not fetched: run models/fetch.sh");
        Path out = tmp.resolve("bench.md");
        dev.demandlayering.ChildCli.Result r = dev.demandlayering.ChildCli.run("bench", "--models", "meet", "--frames", "2", "--output", out.toString());
        assertEquals(0, r.code(), r.out());
        JsonNode rows = new ObjectMapper().readTree(tmp.resolve("bench.json").toFile()).get("rows");
        List<String> configs = List.of("fully resident", "sequential (no overlap), minimum arena", "demand layering, minimum arena",
                "demand layering, minimum arena, fp16 weights", "fully resident, fp16 weights", "trade-off, 25% of the way to resident",
                "trade-off, 50% of the way to resident", "trade-off, 75% of the way to resident");
        assertEquals(configs.size(), rows.size());
        for (int i = 0; i < configs.size(); i++) {
            JsonNode row = rows.get(i);
            assertEquals(configs.get(i), row.get("config").asText());
            assertTrue(row.get("median_latency_ms").asDouble() > 0, row.toString());
            assertEquals(configs.get(i).startsWith("trade-off"), row.has("predicted_latency_ms"), row.toString());
        }
        assertTrue(rows.get(2).get("arena_bytes").asLong() < rows.get(0).get("arena_bytes").asLong(), "the minimum arena is below resident");
        assertTrue(Files.readString(out).contains("| meet | demand layering, minimum arena |"), Files.readString(out));
        JsonNode loader = new ObjectMapper().readTree(tmp.resolve("bench.json").toFile()).get("loader_alone");
        assertEquals(1, loader.size());
        assertEquals("meet", loader.get(0).get("set").asText());
        assertEquals(rows.get(2).get("arena_bytes").asLong(), loader.get(0).get("ring_bytes").asLong(), "the loader's ring is the minimum arena");
        assertTrue(loader.get(0).get("loader_bytes_per_second").asDouble() > 0 && loader.get(0).get("disk_bytes_per_second").asDouble() > 0, loader.toString());
        assertTrue(Files.readString(out).contains("| meet | " + dev.demandlayering.cli.ByteSize.human(loader.get(0).get("ring_bytes").asLong()) + " | "),
                Files.readString(out));
    }

    @Test
    void thePaperBenchReportsEveryConfigurationAndReusesItsFigures() throws Exception {
        Path models = TestRepo.root().resolveSibling("shared").resolve("paper-models");
        Assumptions.assumeTrue(Files.exists(models.resolve("yolov3-tiny.cfg")), "../shared/paper-models not present");
        Path out = tmp.resolve("paper.md"), results = tmp.resolve("results");
        dev.demandlayering.ChildCli.Result r = dev.demandlayering.ChildCli.run("bench", "--paper", "--nets", "yolov3-tiny", "--frames", "1", "--results", results.toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.out());
        JsonNode points = new ObjectMapper().readTree(results.resolve("yolov3-tiny.json").toFile());
        assertEquals(11, points.size());
        String md = Files.readString(out);
        for (JsonNode p : points) {
            assertTrue(md.contains("| yolov3-tiny | " + p.get("config").asText() + " |"), p.get("config").asText());
            assertEquals(p.get("config").asText().startsWith("trade-off"), !Double.isNaN(p.get("predictedMs").asDouble()), p.toString());
        }
        dev.demandlayering.ChildCli.Result again = dev.demandlayering.ChildCli.run("bench", "--paper", "--nets", "yolov3-tiny", "--report-only", "--results", results.toString(), "--output",
                tmp.resolve("again.md").toString());
        assertEquals(0, again.code(), again.out());
        assertEquals(md.replace("paper.png", "again.png"), Files.readString(tmp.resolve("again.md")));
    }
}
