package dev.demandlayering.runtime.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.demandlayering.runtime.graph.ConstTensor;
import dev.demandlayering.runtime.graph.ModelImportException;
import dev.demandlayering.runtime.pack.Fp16;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes a TF.js weightsManifest: each group's shard files, concatenated, hold its weights in order,
 * little-endian; float weights may be quantised to float16 or to uint8/uint16 with scale and min.
 */
final class TfjsWeights {
    private TfjsWeights() {
    }

    static Map<String, ConstTensor> read(JsonNode manifest, Path dir, String where) throws IOException {
        Map<String, ConstTensor> out = new LinkedHashMap<>();
        for (JsonNode group : manifest) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (JsonNode p : group.get("paths")) {
                Path shard = dir.resolve(p.asText());
                if (!Files.exists(shard)) throw new NoSuchFileException(shard.toString(), null, "weight shard named by " + where + " not found");
                all.write(Files.readAllBytes(shard));
            }
            ByteBuffer b = ByteBuffer.wrap(all.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
            for (JsonNode w : group.get("weights")) {
                String name = w.get("name").asText();
                int[] shape = new int[w.get("shape").size()];
                for (int i = 0; i < shape.length; i++) shape[i] = w.get("shape").get(i).asInt();
                int n = 1;
                for (int d : shape) n *= d;
                String dtype = w.get("dtype").asText();
                JsonNode q = w.get("quantization");
                String stored = q != null ? q.get("dtype").asText() : dtype;
                int width = switch (stored) {
                    case "float32", "int32" -> 4;
                    case "float16", "uint16" -> 2;
                    case "uint8", "bool", "int8" -> 1;
                    default -> throw new ModelImportException(where + ": weight '" + name + "' has unsupported dtype " + stored);
                };
                if (b.remaining() < (long) n * width) {
                    throw new ModelImportException(where + ": weight shards end before '" + name + "' (" + n * width + " bytes needed, "
                            + b.remaining() + " left); the .bin files are truncated");
                }
                if (dtype.equals("float32")) {
                    float[] f = new float[n];
                    float scale = q != null && q.has("scale") ? (float) q.get("scale").asDouble() : 1f;
                    float min = q != null && q.has("min") ? (float) q.get("min").asDouble() : 0f;
                    for (int i = 0; i < n; i++) {
                        f[i] = switch (stored) {
                            case "float16" -> Fp16.toFloat(b.getShort());
                            case "uint8" -> (b.get() & 0xff) * scale + min;
                            case "uint16" -> (b.getShort() & 0xffff) * scale + min;
                            default -> b.getFloat();
                        };
                    }
                    out.put(name, ConstTensor.ofFloats(shape, f));
                } else {
                    long[] l = new long[n];
                    for (int i = 0; i < n; i++) {
                        l[i] = switch (width) {
                            case 4 -> b.getInt();
                            case 2 -> b.getShort() & 0xffff;
                            default -> stored.equals("int8") ? b.get() : b.get() & 0xff;
                        };
                    }
                    out.put(name, ConstTensor.ofLongs(shape, l));
                }
            }
        }
        return out;
    }
}
