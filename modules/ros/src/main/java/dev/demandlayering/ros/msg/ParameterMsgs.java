package dev.demandlayering.ros.msg;

import dev.demandlayering.ros.cdr.CdrReader;
import dev.demandlayering.ros.cdr.CdrWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * rcl_interfaces' parameter messages and services, field by field as the official definitions order them:
 * ParameterValue, Parameter, ParameterDescriptor (with its ranges), SetParametersResult, ListParametersResult,
 * ParameterEvent, and the requests and responses of get_parameters, get_parameter_types, set_parameters,
 * set_parameters_atomically, list_parameters and describe_parameters. Values are Java objects: null (NOT_SET),
 * Boolean, Long, Double, String, byte[], and List of Boolean, Long, Double or String.
 */
public final class ParameterMsgs {
    public static final int NOT_SET = 0, BOOL = 1, INTEGER = 2, DOUBLE = 3, STRING = 4, BYTE_ARRAY = 5, BOOL_ARRAY = 6, INTEGER_ARRAY = 7,
            DOUBLE_ARRAY = 8, STRING_ARRAY = 9;
    /** The topic every node announces parameter changes on. */
    public static final String EVENTS_TOPIC = "/parameter_events";
    /** The six services rclcpp's parameter service offers, under the node's name ({@code /ns/node/get_parameters}). */
    public static final List<String> SERVICES = List.of("describe_parameters", "get_parameter_types", "get_parameters", "list_parameters",
            "set_parameters", "set_parameters_atomically");

    private ParameterMsgs() {
    }

    /** The DDS type name of a service's request or response ({@code rcl_interfaces::srv::dds_::GetParameters_Request_}). */
    public static String serviceType(String service, boolean request) {
        StringBuilder camel = new StringBuilder();
        for (String part : service.split("_")) camel.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        return "rcl_interfaces::srv::dds_::" + camel + (request ? "_Request_" : "_Response_");
    }

    /** A value's ParameterValue type. */
    public static int typeOf(Object v) {
        if (v == null) return NOT_SET;
        if (v instanceof Boolean) return BOOL;
        if (v instanceof Long || v instanceof Integer) return INTEGER;
        if (v instanceof Double || v instanceof Float) return DOUBLE;
        if (v instanceof String) return STRING;
        if (v instanceof byte[]) return BYTE_ARRAY;
        if (v instanceof List<?> l) {
            Object first = l.isEmpty() ? "" : l.get(0);
            return first instanceof Boolean ? BOOL_ARRAY : first instanceof Long || first instanceof Integer ? INTEGER_ARRAY
                    : first instanceof Double ? DOUBLE_ARRAY : STRING_ARRAY;
        }
        throw new IllegalArgumentException("not a parameter value: " + v.getClass().getSimpleName());
    }

    /** ParameterValue: uint8 type, then every field (only the one of its type set). */
    public static void writeValue(CdrWriter w, Object v) {
        int type = typeOf(v);
        w.u8(type);
        w.bool(type == BOOL && (Boolean) v);
        w.i64(type == INTEGER ? ((Number) v).longValue() : 0);
        w.f64(type == DOUBLE ? ((Number) v).doubleValue() : 0);
        w.string(type == STRING ? (String) v : "");
        byte[] bytes = type == BYTE_ARRAY ? (byte[]) v : new byte[0];
        w.bytes(bytes, 0, bytes.length);
        List<?> list = v instanceof List<?> l ? l : List.of();
        w.u32(type == BOOL_ARRAY ? list.size() : 0);
        if (type == BOOL_ARRAY) for (Object o : list) w.bool((Boolean) o);
        w.u32(type == INTEGER_ARRAY ? list.size() : 0);
        if (type == INTEGER_ARRAY) for (Object o : list) w.i64(((Number) o).longValue());
        w.u32(type == DOUBLE_ARRAY ? list.size() : 0);
        if (type == DOUBLE_ARRAY) for (Object o : list) w.f64(((Number) o).doubleValue());
        w.u32(type == STRING_ARRAY ? list.size() : 0);
        if (type == STRING_ARRAY) for (Object o : list) w.string((String) o);
    }

    public static Object readValue(CdrReader r) {
        int type = r.u8("value.type");
        boolean b = r.bool("value.bool_value");
        long i = r.i64("value.integer_value");
        double d = r.f64("value.double_value");
        String s = r.string("value.string_value");
        byte[] bytes = r.bytes("value.byte_array_value");
        List<Boolean> bools = new ArrayList<>();
        for (int n = r.count("value.bool_array_value", 1), k = 0; k < n; k++) bools.add(r.bool("value.bool_array_value"));
        List<Long> ints = new ArrayList<>();
        for (int n = r.count("value.integer_array_value", 8), k = 0; k < n; k++) ints.add(r.i64("value.integer_array_value"));
        List<Double> doubles = new ArrayList<>();
        for (int n = r.count("value.double_array_value", 8), k = 0; k < n; k++) doubles.add(r.f64("value.double_array_value"));
        List<String> strings = new ArrayList<>();
        for (int n = r.count("value.string_array_value", 5), k = 0; k < n; k++) strings.add(r.string("value.string_array_value"));
        return switch (type) {
            case NOT_SET -> null;
            case BOOL -> b;
            case INTEGER -> i;
            case DOUBLE -> d;
            case STRING -> s;
            case BYTE_ARRAY -> bytes;
            case BOOL_ARRAY -> bools;
            case INTEGER_ARRAY -> ints;
            case DOUBLE_ARRAY -> doubles;
            case STRING_ARRAY -> strings;
            default -> throw new IllegalArgumentException("ParameterValue type " + type + " is not one of 0..9");
        };
    }

    /** rcl_interfaces/Parameter: string name, ParameterValue value. */
    public record Parameter(String name, Object value) {
        public void write(CdrWriter w) {
            w.string(name);
            writeValue(w, value);
        }

        public static Parameter read(CdrReader r) {
            return new Parameter(r.string("parameter.name"), readValue(r));
        }
    }

    /** rcl_interfaces/ParameterDescriptor, with at most one floating-point or integer range. */
    public record Descriptor(String name, int type, String description, String additionalConstraints, boolean readOnly, double[] floatRange,
                             long[] integerRange) {
        public void write(CdrWriter w) {
            w.string(name).u8(type).string(description).string(additionalConstraints).bool(readOnly).bool(false); // dynamic_typing
            w.u32(floatRange == null ? 0 : 1);
            if (floatRange != null) w.f64(floatRange[0]).f64(floatRange[1]).f64(0);
            w.u32(integerRange == null ? 0 : 1);
            if (integerRange != null) w.i64(integerRange[0]).i64(integerRange[1]).i64(0); // step 0: any value in the range
        }
    }

    /** rcl_interfaces/ParameterEvent. */
    public record ParameterEvent(StdMsgs.Time stamp, String node, List<Parameter> added, List<Parameter> changed, List<Parameter> deleted)
            implements RosMessage {
        public static final String TYPE = RosMessage.ddsTypeName("rcl_interfaces", "ParameterEvent");

        @Override
        public String ddsTypeName() {
            return TYPE;
        }

        @Override
        public void write(CdrWriter w) {
            w.i32(stamp.sec()).u32(stamp.nanosec()).string(node);
            for (List<Parameter> list : List.of(added, changed, deleted)) {
                w.u32(list.size());
                for (Parameter p : list) p.write(w);
            }
        }

        public static ParameterEvent decode(byte[] payload) {
            CdrReader r = new CdrReader(payload, "rcl_interfaces/ParameterEvent");
            StdMsgs.Time t = new StdMsgs.Time(r.i32("stamp.sec"), r.u32("stamp.nanosec"));
            String node = r.string("node");
            List<List<Parameter>> lists = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                List<Parameter> list = new ArrayList<>();
                for (int n = r.count("parameters", 8), i = 0; i < n; i++) list.add(Parameter.read(r));
                lists.add(list);
            }
            return new ParameterEvent(t, node, lists.get(0), lists.get(1), lists.get(2));
        }
    }

    /** A string[] field. */
    public static List<String> readStrings(CdrReader r, String field) {
        List<String> out = new ArrayList<>();
        for (int n = r.count(field, 5), i = 0; i < n; i++) out.add(r.string(field));
        return out;
    }

    public static void writeStrings(CdrWriter w, List<String> strings) {
        w.u32(strings.size());
        for (String s : strings) w.string(s);
    }

    /** SetParametersResult: bool successful, string reason. */
    public static void writeResult(CdrWriter w, boolean ok, String reason) {
        w.bool(ok).string(reason);
    }
}
