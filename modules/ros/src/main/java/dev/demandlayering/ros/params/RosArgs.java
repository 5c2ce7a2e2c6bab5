package dev.demandlayering.ros.params;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Command-line arguments the ROS 2 way: everything between {@code --ros-args} and {@code --} (or the end)
 * is for ROS: {@code --params-file FILE}, {@code -p/--param name:=value} (the value read as a YAML scalar or
 * list, as rcl does), {@code -r/--remap from:=to} including {@code __node} and {@code __ns}, and
 * {@code --log-level LEVEL}. Anything else there is an error that names it.
 */
public record RosArgs(List<Path> paramsFiles, Map<String, Object> params, Map<String, String> remaps,
                      String nodeName, String namespace, String logLevel) {

    public static RosArgs parse(String[] args, String defaultNodeName) {
        List<Path> files = new ArrayList<>();
        Map<String, Object> params = new LinkedHashMap<>();
        Map<String, String> remaps = new LinkedHashMap<>();
        String node = defaultNodeName, ns = "/", level = null;
        boolean ros = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--ros-args")) {
                ros = true;
                continue;
            }
            if (!ros) continue; // the application's own arguments
            switch (a) {
                case "--" -> ros = false;
                case "--params-file" -> files.add(Path.of(value(args, ++i, a)));
                case "-p", "--param" -> override(params, value(args, ++i, a), a);
                case "-r", "--remap" -> {
                    String[] kv = assignment(value(args, ++i, a), a);
                    switch (kv[0]) {
                        case "__node", "__name" -> node = validName(kv[1], "node name");
                        case "__ns" -> ns = validNamespace(kv[1]);
                        default -> remaps.put(kv[0], kv[1]);
                    }
                }
                case "--log-level" -> level = value(args, ++i, a);
                default -> throw new IllegalArgumentException("unknown ROS argument '" + a + "' (known: --params-file FILE, -p name:=value, "
                        + "-r from:=to, -r __node:=NAME, -r __ns:=/NS, --log-level LEVEL)");
            }
        }
        return new RosArgs(files, params, remaps, node, ns, level);
    }

    /**
     * The arguments a tool that is not launched by ROS gives the node's parameters: parameter files and {@code
     * name:=value} overrides (each read as {@code -p} reads it), the default node name, no remaps.
     */
    public static RosArgs of(List<Path> paramsFiles, List<String> overrides, String nodeName) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (String o : overrides) override(params, o, "-p");
        return new RosArgs(List.copyOf(paramsFiles), params, Map.of(), nodeName, "/", null);
    }

    /** One {@code name:=value} override into {@code params}, its value read as a YAML scalar or list, as rcl does. */
    private static void override(Map<String, Object> params, String assignment, String flag) {
        String[] kv = assignment(assignment, flag);
        try {
            params.put(kv[0], yamlValue(kv[1]));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("-p " + kv[0] + ":=" + kv[1] + ": parameter '" + kv[0] + "' has a value that is not valid YAML ("
                    + yamlProblem(e) + "); expected a YAML scalar or a closed list such as [a, b]");
        }
    }

    /** The node's fully qualified name, e.g. /robot/perception. */
    public String fullyQualifiedName() {
        return (namespace.equals("/") ? "" : namespace) + "/" + nodeName;
    }

    /** Resolves a topic name the ROS way: remapped, then relative names under the namespace, ~ under the node. */
    public String resolveTopic(String topic) {
        String t = remaps.getOrDefault(topic, topic);
        if (t.startsWith("~")) t = fullyQualifiedName() + t.substring(1);
        else if (!t.startsWith("/")) t = (namespace.equals("/") ? "" : namespace) + "/" + t;
        String resolved = remaps.getOrDefault(t, t);
        if (!resolved.matches("(/[A-Za-z_][A-Za-z0-9_]*)+")) throw new IllegalArgumentException("invalid topic name '" + resolved + "'");
        return resolved;
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) throw new IllegalArgumentException("ROS argument " + flag + " needs a value");
        return args[i];
    }

    private static String[] assignment(String s, String flag) {
        int at = s.indexOf(":=");
        if (at <= 0) throw new IllegalArgumentException("ROS argument " + flag + " '" + s + "' must be name:=value");
        return new String[] {s.substring(0, at), s.substring(at + 2)};
    }

    static Object yamlValue(String text) {
        if (text.isEmpty()) return "";
        Object v = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        return v == null ? text : v;
    }

    /** SnakeYAML's problem in one line, without its multi-line context. */
    private static String yamlProblem(RuntimeException e) {
        if (e instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblem() != null) return m.getProblem();
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return msg.lines().findFirst().orElse(msg);
    }

    private static String validName(String n, String what) {
        if (!n.matches("[A-Za-z_][A-Za-z0-9_]*")) throw new IllegalArgumentException("invalid " + what + " '" + n + "' (letters, digits, _)");
        return n;
    }

    private static String validNamespace(String ns) {
        String n = ns.startsWith("/") ? ns : "/" + ns;
        if (!n.equals("/") && !n.matches("(/[A-Za-z_][A-Za-z0-9_]*)+")) throw new IllegalArgumentException("invalid namespace '" + ns + "'");
        return n;
    }
}
