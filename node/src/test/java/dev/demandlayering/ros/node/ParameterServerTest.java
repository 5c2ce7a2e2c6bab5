package dev.demandlayering.ros.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.ros.cdr.CdrReader;
import dev.demandlayering.ros.cdr.CdrWriter;
import dev.demandlayering.ros.msg.ParameterMsgs;
import dev.demandlayering.ros.msg.ParameterMsgs.Parameter;
import dev.demandlayering.ros.params.NodeParameters;
import dev.demandlayering.ros.params.RosArgs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parameter service's semantics over its CDR requests (ParameterServicesIT drives it over DDS). */
class ParameterServerTest {
    final List<ParameterMsgs.ParameterEvent> events = new ArrayList<>();
    final List<Map<String, Object>> applied = new ArrayList<>();

    ParameterServer server() throws Exception {
        Map<String, Object> values = NodeParameters.gather(RosArgs.parse(new String[] {"--ros-args", "-p", "arena_size:=32MiB"}, "n"));
        return new ParameterServer(NodeParameters.SCHEMA, "/n", values, v -> (Long) v.get("arena_size") == 1000L ? "below the minimum" : null, applied::add,
                events::add, NodeClock.system());
    }

    static byte[] setRequest(Parameter... ps) {
        CdrWriter w = new CdrWriter();
        w.u32(ps.length);
        for (Parameter p : ps) p.write(w);
        return w.toByteArray();
    }

    @Test
    void atomicSetsApplyAllOrNothingAndAnnounceOnce() throws Exception {
        ParameterServer s = server();
        s.announce();
        assertEquals(NodeParameters.SCHEMA.entries().size(), events.get(0).added().size(), "every parameter announced as new");
        assertEquals(32L << 20, s.get("arena_size"), "a byte size is its integer bytes");

        byte[] reply = s.handle("set_parameters_atomically", setRequest(new Parameter("nms_iou", 0.6), new Parameter("backend", "cpu")));
        CdrReader r = new CdrReader(reply, "result");
        assertTrue(!r.bool("successful") && r.string("reason").startsWith("parameter 'backend' is read only"));
        r = new CdrReader(s.handle("set_parameters_atomically", setRequest(new Parameter("nms_iou", 0.6), new Parameter("arena_size", 1000L))), "result");
        assertTrue(!r.bool("successful") && r.string("reason").equals("below the minimum"), "the plan's check refuses it");
        assertEquals(0.5, s.get("nms_iou"), "nothing applied when one fails");
        assertEquals(List.of(), applied);

        reply = s.handle("set_parameters", setRequest(new Parameter("nms_iou", 0.6), new Parameter("max_detections", 0L), new Parameter("deadline_ms", 50.0)));
        r = new CdrReader(reply, "results");
        assertEquals(3, r.count("results", 5));
        assertTrue(r.bool("ok") && r.string("reason").isEmpty());
        assertTrue(!r.bool("ok") && r.string("reason").equals("parameter 'max_detections': value 0 is not allowed; expected 1 to 10000"));
        assertTrue(r.bool("ok"));
        assertEquals(List.of(0.6, 50.0), List.of(s.get("nms_iou"), s.get("deadline_ms")));
        assertEquals(2, applied.size(), "each accepted set applied");
        assertEquals(0.6, applied.get(1).get("nms_iou"));
        assertEquals(List.of("nms_iou"), events.get(1).changed().stream().map(Parameter::name).toList());
    }

    @Test
    void getTypesAndListByPrefixAndDepth() throws Exception {
        ParameterServer s = server();
        CdrWriter w = new CdrWriter();
        ParameterMsgs.writeStrings(w, List.of("score_threshold", "models", "nope"));
        CdrReader types = new CdrReader(s.handle("get_parameter_types", w.toByteArray()), "types");
        assertEquals(3, types.count("types", 1));
        assertEquals(List.of(ParameterMsgs.DOUBLE, ParameterMsgs.STRING_ARRAY, ParameterMsgs.NOT_SET), List.of(types.u8("t"), types.u8("t"), types.u8("t")));

        CdrWriter q = new CdrWriter();
        ParameterMsgs.writeStrings(q, List.of("qos"));
        q.i64(0);
        CdrReader list = new CdrReader(s.handle("list_parameters", q.toByteArray()), "list");
        assertEquals(List.of("qos.reliability", "qos.depth"), ParameterMsgs.readStrings(list, "names"));
        assertEquals(List.of("qos"), ParameterMsgs.readStrings(list, "prefixes"));
        CdrWriter top = new CdrWriter();
        ParameterMsgs.writeStrings(top, List.of());
        top.i64(1);
        List<String> depth1 = ParameterMsgs.readStrings(new CdrReader(s.handle("list_parameters", top.toByteArray()), "list"), "names");
        assertTrue(depth1.contains("models") && !depth1.contains("qos.depth"), depth1.toString());
    }
}
