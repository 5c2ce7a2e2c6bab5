package dev.demandlayering.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.demandlayering.runtime.plan.LayerCost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-layer costs as JSON: {"MODEL/LAYER": {"load_ms": 1.2, "compute_ms": 3.4, "overlap_ms": 0.1}, ...}; overlap_ms
 * (the compute time the layer's read takes while they overlap, {@link LayerCost}) is optional and 0 when absent.
 */
final class CostsFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CostsFile() {
    }

    static Map<String, LayerCost> read(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "costs file not found");
        JsonNode root = JSON.readTree(file.toFile());
        Map<String, LayerCost> costs = new TreeMap<>();
        var it = root.fields();
        while (it.hasNext()) {
            var e = it.next();
            JsonNode load = e.getValue().get("load_ms"), compute = e.getValue().get("compute_ms");
            if (!e.getKey().matches("\\d+/\\d+") || load == null || compute == null || !load.isNumber() || !compute.isNumber()) {
                throw new IOException(file + ": entry '" + e.getKey() + "' must be \"MODEL/LAYER\": {\"load_ms\": number, \"compute_ms\": number}");
            }
            JsonNode overlap = e.getValue().get("overlap_ms");
            costs.put(e.getKey(), new LayerCost(load.asDouble(), compute.asDouble(), overlap != null && overlap.isNumber() ? overlap.asDouble() : 0));
        }
        return costs;
    }

    static void write(Path file, Map<String, LayerCost> costs) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        new TreeMap<>(costs).forEach((k, c) -> root.putObject(k).put("load_ms", c.loadMs()).put("compute_ms", c.computeMs()).put("overlap_ms", c.overlapMs()));
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        Files.writeString(file, root.toPrettyString());
    }
}
