package dev.demandlayering.runtime.pack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.demandlayering.runtime.graph.Attributes;
import java.util.Iterator;
import java.util.Map;

/** Attributes as typed JSON: {"i": 1} {"f": 0.5} {"s": "x"} {"ints": [..]} {"floats": [..]}. */
final class AttributeCodec {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private AttributeCodec() {
    }

    static ObjectNode encode(Attributes a) {
        ObjectNode o = F.objectNode();
        for (Map.Entry<String, Object> e : a.asMap().entrySet()) {
            ObjectNode v = F.objectNode();
            Object x = e.getValue();
            if (x instanceof Long l) v.put("i", l);
            else if (x instanceof Float f) v.set("f", floatNode(f));
            else if (x instanceof String s) v.put("s", s);
            else if (x instanceof long[] l) {
                ArrayNode arr = v.putArray("ints");
                for (long i : l) arr.add(i);
            } else if (x instanceof float[] fl) {
                ArrayNode arr = v.putArray("floats");
                for (float f : fl) arr.add(floatNode(f));
            } else {
                throw new IllegalArgumentException("attribute " + e.getKey() + " of type " + x.getClass().getSimpleName()
                        + " cannot be stored in a pack");
            }
            o.set(e.getKey(), v);
        }
        return o;
    }

    /** JSON has no infinities or NaN: those are stored as the strings Java prints for them. */
    private static JsonNode floatNode(float f) {
        return Float.isFinite(f) ? F.numberNode(f) : F.textNode(Float.toString(f));
    }

    private static float floatValue(JsonNode n) {
        return n.isTextual() ? Float.parseFloat(n.asText()) : n.floatValue();
    }

    static Attributes decode(JsonNode o) {
        Attributes a = new Attributes();
        Iterator<Map.Entry<String, JsonNode>> it = o.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.has("i")) a.put(e.getKey(), v.get("i").asLong());
            else if (v.has("f")) a.put(e.getKey(), floatValue(v.get("f")));
            else if (v.has("s")) a.put(e.getKey(), v.get("s").asText());
            else if (v.has("ints")) {
                long[] l = new long[v.get("ints").size()];
                for (int i = 0; i < l.length; i++) l[i] = v.get("ints").get(i).asLong();
                a.put(e.getKey(), l);
            } else if (v.has("floats")) {
                float[] f = new float[v.get("floats").size()];
                for (int i = 0; i < f.length; i++) f[i] = floatValue(v.get("floats").get(i));
                a.put(e.getKey(), f);
            } else {
                throw new IllegalArgumentException("attribute " + e.getKey() + " has no known type");
            }
        }
        return a;
    }
}
