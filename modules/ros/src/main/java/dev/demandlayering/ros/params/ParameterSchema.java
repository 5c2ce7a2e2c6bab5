package dev.demandlayering.ros.params;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import dev.demandlayering.runtime.io.ByteSizes;

/**
 * Every parameter a node accepts, described once: type, default, allowed values and documentation.
 * Validation, defaults and docs/parameters.md all come from this description.
 */
public final class ParameterSchema {
    /** Parameter types as ROS 2 declares them (plus byte sizes, given as an integer or a string like "64MiB"). */
    public enum Type { BOOL, INTEGER, DOUBLE, STRING, STRING_ARRAY, BYTE_SIZE }

    /** One parameter. {@code allowed} describes {@code check} for error messages and the docs. */
    public record Entry(String name, Type type, Object defaultValue, String description, String allowed, Predicate<Object> check) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    public ParameterSchema add(String name, Type type, Object dflt, String description, String allowed, Predicate<Object> check) {
        entries.put(name, new Entry(name, type, dflt, description, allowed, check));
        return this;
    }

    public ParameterSchema add(String name, Type type, Object dflt, String description) {
        return add(name, type, dflt, description, null, v -> true);
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    /**
     * Defaults overlaid with {@code given}, each value converted to its declared type. Every problem (unknown
     * name, wrong type, value not allowed) is collected into one {@link ParameterException}.
     */
    public Map<String, Object> resolve(Map<String, Object> given) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> out = new LinkedHashMap<>();
        entries.forEach((k, e) -> out.put(k, e.defaultValue()));
        for (Map.Entry<String, Object> g : given.entrySet()) {
            Entry e = entries.get(g.getKey());
            if (e == null) {
                problems.add("unknown parameter '" + g.getKey() + "' (known: " + String.join(", ", entries.keySet()) + ")");
                continue;
            }
            Object v;
            try {
                v = convert(e, g.getValue());
            } catch (IllegalArgumentException ex) {
                problems.add("parameter '" + e.name() + "': " + ex.getMessage());
                continue;
            }
            if (!e.check().test(v)) {
                problems.add("parameter '" + e.name() + "': value " + show(g.getValue()) + " is not allowed; expected " + e.allowed());
                continue;
            }
            out.put(e.name(), v);
        }
        if (!problems.isEmpty()) throw new ParameterException(problems);
        return out;
    }

    private static Object convert(Entry e, Object v) {
        String want = e.type().name().toLowerCase().replace('_', ' ');
        switch (e.type()) {
            case BOOL -> {
                if (v instanceof Boolean) return v;
            }
            case INTEGER -> {
                if (v instanceof Integer || v instanceof Long) return ((Number) v).longValue();
            }
            case DOUBLE -> {
                if (v instanceof Number n) return n.doubleValue();
            }
            case STRING -> {
                if (v instanceof String) return v;
            }
            case STRING_ARRAY -> {
                if (v instanceof List<?> l && l.stream().allMatch(x -> x instanceof String)) return List.copyOf(l.stream().map(String::valueOf).toList());
            }
            case BYTE_SIZE -> {
                if (v instanceof Integer || v instanceof Long) return ((Number) v).longValue();
                if (v instanceof String s) return ByteSizes.parse(s);
                want = "byte size (an integer, or a string such as \"64MiB\")";
            }
            default -> throw new IllegalStateException();
        }
        throw new IllegalArgumentException("value " + show(v) + " has type " + typeOf(v) + ", expected " + want);
    }

    private static String typeOf(Object v) {
        if (v instanceof Boolean) return "bool";
        if (v instanceof Integer || v instanceof Long) return "integer";
        if (v instanceof Number) return "double";
        if (v instanceof String) return "string";
        if (v instanceof List) return "array";
        return v == null ? "null" : v.getClass().getSimpleName();
    }

    private static String show(Object v) {
        return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
    }

    /** The parameter table for docs/parameters.md. */
    public String markdown() {
        StringBuilder sb = new StringBuilder("| parameter | type | default | allowed | description |\n|---|---|---|---|---|\n");
        for (Entry e : entries.values()) {
            sb.append("| `").append(e.name()).append("` | ").append(e.type().name().toLowerCase()).append(" | `").append(show(e.defaultValue()))
                    .append("` | ").append(e.allowed() == null ? "any" : e.allowed()).append(" | ").append(e.description()).append(" |\n");
        }
        return sb.toString();
    }
}
