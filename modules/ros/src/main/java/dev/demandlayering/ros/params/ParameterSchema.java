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
     * Defaults overlaid with {@code given}, each value converted to its declared type. Every problem (wrong type,
     * value not allowed) is collected into one {@link ParameterException}. Names the schema does not know are left
     * out, as rclcpp leaves out overrides for parameters a node does not declare ({@link #unknown} says which).
     */
    public Map<String, Object> resolve(Map<String, Object> given) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> out = new LinkedHashMap<>();
        entries.forEach((k, e) -> out.put(k, e.defaultValue()));
        for (Map.Entry<String, Object> g : given.entrySet()) {
            Entry e = entries.get(g.getKey());
            if (e == null) continue;
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

    /**
     * One line per name in {@code given} that the schema does not know, saying it is ignored and, for a likely typo,
     * the parameter meant; rclcpp's QoS overrides ({@code qos_overrides.*}) are named as such.
     */
    public List<String> unknown(Map<String, Object> given) {
        List<String> lines = new ArrayList<>();
        for (String name : given.keySet()) {
            if (entries.containsKey(name)) continue;
            if (name.startsWith("qos_overrides.")) {
                lines.add("parameter '" + name + "' is one of rclcpp's QoS overrides, which this node does not apply (its camera QoS is qos.reliability "
                        + "and qos.depth); ignored");
                continue;
            }
            String near = nearest(name);
            lines.add("parameter '" + name + "' is not a parameter of this node; ignored" + (near == null ? "" : " (did you mean '" + near + "'?)"));
        }
        return lines;
    }

    /** The known name within two edits of {@code name}, or null. */
    private String nearest(String name) {
        String best = null;
        int bestDistance = 3;
        for (String k : entries.keySet()) {
            int d = editDistance(name, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1, prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
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
