package dev.demandlayering.ros.msg;

import dev.demandlayering.ros.cdr.CdrReader;
import dev.demandlayering.ros.cdr.CdrWriter;
import java.util.ArrayList;
import java.util.List;

/** diagnostic_msgs/DiagnosticArray {header, status[]}; DiagnosticStatus {byte level, name, message, hardware_id, values[]}. */
public final class DiagnosticMsgs {
    public static final int OK = 0, WARN = 1, ERROR = 2, STALE = 3;

    private DiagnosticMsgs() {
    }

    public record KeyValue(String key, String value) {
    }

    public record DiagnosticStatus(int level, String name, String message, String hardwareId, List<KeyValue> values) {
        void write(CdrWriter w) {
            w.u8(level).string(name).string(message).string(hardwareId).u32(values.size());
            for (KeyValue kv : values) w.string(kv.key()).string(kv.value());
        }

        static DiagnosticStatus read(CdrReader r) {
            int level = r.u8("level");
            String name = r.string("name"), message = r.string("message"), hw = r.string("hardware_id");
            int n = r.count("values", 10);
            List<KeyValue> values = new ArrayList<>(n);
            for (int i = 0; i < n; i++) values.add(new KeyValue(r.string("values.key"), r.string("values.value")));
            return new DiagnosticStatus(level, name, message, hw, values);
        }
    }

    public record DiagnosticArray(StdMsgs.Header header, List<DiagnosticStatus> status) implements RosMessage {
        public static final String TYPE = RosMessage.ddsTypeName("diagnostic_msgs", "DiagnosticArray");

        @Override
        public String ddsTypeName() {
            return TYPE;
        }

        @Override
        public void write(CdrWriter w) {
            header.write(w);
            w.u32(status.size());
            for (DiagnosticStatus s : status) s.write(w);
        }

        public static DiagnosticArray decode(byte[] payload) {
            CdrReader r = new CdrReader(payload, "diagnostic_msgs/DiagnosticArray");
            StdMsgs.Header h = StdMsgs.Header.read(r);
            int n = r.count("status", 1 + 3 * 5 + 4);
            List<DiagnosticStatus> s = new ArrayList<>(n);
            for (int i = 0; i < n; i++) s.add(DiagnosticStatus.read(r));
            return new DiagnosticArray(h, s);
        }
    }
}
