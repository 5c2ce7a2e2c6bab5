package dev.demandlayering.ros.node;

import dev.demandlayering.ros.cdr.CdrReader;
import dev.demandlayering.ros.cdr.CdrWriter;
import dev.demandlayering.ros.msg.ParameterMsgs;
import dev.demandlayering.ros.msg.ParameterMsgs.Parameter;
import dev.demandlayering.ros.msg.StdMsgs;
import dev.demandlayering.ros.params.ParameterException;
import dev.demandlayering.ros.params.ParameterSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * rclcpp's parameter service for this node's parameters: list, get, get types, describe, set and set atomically,
 * with every accepted change announced on /parameter_events. What can change between frames ({@link #DYNAMIC}:
 * the heads' thresholds, the deadline, the log and diagnostics rates, and the arena's size and residency, which are
 * planned again) is applied from the next frame on, once {@code check} (the plan's minimum) accepts it; the rest is
 * read only (the models, precision, backend, topics and transport are set up at start-up) and a set is refused with
 * that reason, as an rclcpp node's on-set callback refuses it. Values are checked as at start-up (type, allowed range),
 * and the type must be the parameter's own, as rclcpp requires without dynamic typing.
 */
final class ParameterServer {
    /** The parameters a running node takes from set_parameters. */
    static final Set<String> DYNAMIC = Set.of("score_threshold", "nms_iou", "max_detections", "mask_threshold", "deadline_ms", "log_every_n_frames",
            "diagnostics_period", "arena_size", "residency", "log_level");
    private static final Pattern RANGE = Pattern.compile("(-?[\\d.]+) to (-?[\\d.]+)");

    private final ParameterSchema schema;
    private final String node;
    private final Map<String, Object> values;
    private final Consumer<Map<String, Object>> apply;
    private final java.util.function.Function<Map<String, Object>, String> check;
    private final Consumer<ParameterMsgs.ParameterEvent> events;
    private final NodeClock clock;

    /**
     * {@code values}: the node's validated parameters; {@code apply}: takes the whole set after a change;
     * {@code events}: where each change is announced (the /parameter_events writer).
     */
    ParameterServer(ParameterSchema schema, String node, Map<String, Object> values, java.util.function.Function<Map<String, Object>, String> check,
                    Consumer<Map<String, Object>> apply, Consumer<ParameterMsgs.ParameterEvent> events, NodeClock clock) {
        this.check = check;
        this.schema = schema;
        this.node = node;
        this.values = new LinkedHashMap<>(values);
        this.apply = apply;
        this.events = events;
        this.clock = clock;
    }

    /** The start-up announcement: every parameter, as new (rclcpp announces each as it is declared). */
    synchronized void announce() {
        List<Parameter> all = new ArrayList<>();
        values.forEach((k, v) -> all.add(new Parameter(k, rosValue(k, v))));
        events.accept(new ParameterMsgs.ParameterEvent(stamp(), node, all, List.of(), List.of()));
    }

    /** The response CDR to a request of {@code service} (one of {@link ParameterMsgs#SERVICES}). */
    byte[] handle(String service, byte[] request) {
        CdrReader r = new CdrReader(request, "rcl_interfaces/" + service + " request");
        CdrWriter w = new CdrWriter();
        switch (service) {
            case "list_parameters" -> list(ParameterMsgs.readStrings(r, "prefixes"), r.i64("depth"), w);
            case "get_parameters" -> {
                List<String> names = ParameterMsgs.readStrings(r, "names");
                w.u32(names.size());
                for (String n : names) ParameterMsgs.writeValue(w, get(n));
            }
            case "get_parameter_types" -> {
                List<String> names = ParameterMsgs.readStrings(r, "names");
                w.u32(names.size());
                for (String n : names) w.u8(schema.entries().containsKey(n) ? rosType(schema.entries().get(n).type()) : ParameterMsgs.NOT_SET);
            }
            case "describe_parameters" -> {
                List<String> names = ParameterMsgs.readStrings(r, "names");
                w.u32(names.size());
                for (String n : names) describe(n).write(w);
            }
            case "set_parameters" -> {
                List<Parameter> ps = parameters(r);
                List<String> reasons = new ArrayList<>();
                for (Parameter p : ps) reasons.add(set(List.of(p)));
                w.u32(reasons.size());
                for (String reason : reasons) ParameterMsgs.writeResult(w, reason == null, reason == null ? "" : reason);
            }
            case "set_parameters_atomically" -> {
                String reason = set(parameters(r));
                ParameterMsgs.writeResult(w, reason == null, reason == null ? "" : reason);
            }
            default -> throw new IllegalArgumentException("no parameter service '" + service + "'");
        }
        return w.toByteArray();
    }

    private static List<Parameter> parameters(CdrReader r) {
        List<Parameter> out = new ArrayList<>();
        for (int n = r.count("parameters", 8), i = 0; i < n; i++) out.add(Parameter.read(r));
        return out;
    }

    /** The parameter's value as ROS carries it (a byte size as its integer bytes), or null (NOT_SET) for an unknown name. */
    synchronized Object get(String name) {
        return values.containsKey(name) ? rosValue(name, values.get(name)) : null;
    }

    /**
     * Applies all of {@code changes} or none: null when done, else why not (the first refusal). Each accepted change
     * is applied and announced on /parameter_events in one event.
     */
    synchronized String set(List<Parameter> changes) {
        Map<String, Object> next = new LinkedHashMap<>(values);
        List<Parameter> changed = new ArrayList<>();
        for (Parameter p : changes) {
            ParameterSchema.Entry e = schema.entries().get(p.name());
            if (e == null) return "parameter '" + p.name() + "' is not a parameter of this node (known: " + String.join(", ", schema.entries().keySet()) + ")";
            if (!DYNAMIC.contains(p.name())) {
                return "parameter '" + p.name() + "' is read only while the node runs: it is set up at start-up (restart with -p " + p.name()
                        + ":=...); these change between frames: " + String.join(", ", new TreeSet<>(DYNAMIC));
            }
            int want = rosType(e.type()), got = ParameterMsgs.typeOf(p.value());
            if (want != got) return "parameter '" + p.name() + "' is of type " + typeName(want) + ", got " + typeName(got);
            try {
                next.put(p.name(), schema.resolve(Map.of(p.name(), p.value())).get(p.name()));
            } catch (ParameterException ex) {
                return String.join("; ", ex.problems());
            }
            changed.add(new Parameter(p.name(), rosValue(p.name(), next.get(p.name()))));
        }
        String refused = check.apply(Map.copyOf(next));
        if (refused != null) return refused;
        values.clear();
        values.putAll(next);
        apply.accept(Map.copyOf(values));
        if (!changed.isEmpty()) events.accept(new ParameterMsgs.ParameterEvent(stamp(), node, List.of(), changed, List.of()));
        return null;
    }

    private void list(List<String> prefixes, long depth, CdrWriter w) {
        List<String> names = new ArrayList<>();
        Set<String> groups = new TreeSet<>();
        for (String n : schema.entries().keySet()) {
            boolean matches = prefixes.isEmpty() || prefixes.stream().anyMatch(p -> n.equals(p) || n.startsWith(p + "."));
            int dots = n.length() - n.replace(".", "").length();
            if (!matches || depth != 0 && dots >= depth) continue;
            names.add(n);
            if (dots > 0) groups.add(n.substring(0, n.lastIndexOf('.')));
        }
        ParameterMsgs.writeStrings(w, names);
        ParameterMsgs.writeStrings(w, new ArrayList<>(groups));
    }

    private ParameterMsgs.Descriptor describe(String name) {
        ParameterSchema.Entry e = schema.entries().get(name);
        if (e == null) return new ParameterMsgs.Descriptor(name, ParameterMsgs.NOT_SET, "", "", false, null, null);
        double[] floats = null;
        long[] ints = null;
        Matcher m = e.allowed() == null ? null : RANGE.matcher(e.allowed());
        if (m != null && m.matches()) {
            if (e.type() == ParameterSchema.Type.DOUBLE) floats = new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
            if (e.type() == ParameterSchema.Type.INTEGER) ints = new long[] {(long) Double.parseDouble(m.group(1)), (long) Double.parseDouble(m.group(2))};
        }
        String constraints = e.allowed() == null ? "" : e.allowed();
        if (e.type() == ParameterSchema.Type.BYTE_SIZE) constraints = (constraints.isEmpty() ? "" : constraints + "; ") + "bytes (at start-up also 64MiB, 1.5GiB)";
        return new ParameterMsgs.Descriptor(name, rosType(e.type()), e.description(), constraints, !DYNAMIC.contains(name), floats, ints);
    }

    private Object rosValue(String name, Object v) {
        return v instanceof Integer i ? Long.valueOf(i) : v;
    }

    static int rosType(ParameterSchema.Type t) {
        return switch (t) {
            case BOOL -> ParameterMsgs.BOOL;
            case INTEGER, BYTE_SIZE -> ParameterMsgs.INTEGER;
            case DOUBLE -> ParameterMsgs.DOUBLE;
            case STRING -> ParameterMsgs.STRING;
            case STRING_ARRAY -> ParameterMsgs.STRING_ARRAY;
        };
    }

    private static String typeName(int type) {
        return List.of("not set", "bool", "integer", "double", "string", "byte array", "bool array", "integer array", "double array", "string array")
                .get(type);
    }

    private StdMsgs.Time stamp() {
        long now = clock.nowNanos();
        return StdMsgs.Time.ofNanos(now == NodeClock.UNKNOWN ? 0 : now);
    }
}
