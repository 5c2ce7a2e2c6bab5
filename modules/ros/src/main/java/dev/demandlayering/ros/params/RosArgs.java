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
 * Command-line arguments the ROS 2 way, with rcl's semantics: everything between {@code --ros-args} and {@code --} (or
 * the end) is for ROS. {@code --params-file FILE}; {@code -p/--param name:=value} (the value read as a YAML scalar or
 * list, as rcl does); {@code -r/--remap [node:]from:=to}, including {@code __node} and {@code __ns}, the first rule that
 * matches winning, a {@code node:} prefix limiting a rule to that node, and both sides expanded against the node's
 * namespace and name before they are compared; {@code --log-level [logger:=]level}; and rcl's other arguments, accepted
 * where they mean nothing here ({@code -e/--enclave}, {@code --log-config-file}, {@code --log-file-name},
 * {@code --enable/--disable-stdout-logs}, {@code -rosout-logs}, {@code -external-lib-logs}). Anything else there is an
 * error that names it, as rcl's is.
 */
public record RosArgs(List<Path> paramsFiles, Map<String, Object> params, List<RemapRule> remaps,
                      String nodeName, String namespace, Map<String, String> logLevels, Logging logging, String enclave) {
    /** The log levels {@code --log-level} takes. */
    public static final List<String> LOG_LEVELS = List.of("debug", "info", "warn", "error", "fatal", "unset");

    /** Where log lines go: the console, {@code /rosout}, external libraries' own logging; rcl's logging config file. */
    public record Logging(boolean stdout, boolean rosout, boolean externalLib, Path configFile, String fileName) {
        public static final Logging DEFAULTS = new Logging(true, true, true, null, null);
    }

    public static RosArgs parse(String[] args, String defaultNodeName) {
        List<Path> files = new ArrayList<>();
        Map<String, Object> params = new LinkedHashMap<>();
        List<RemapRule> rules = new ArrayList<>();
        Map<String, String> levels = new LinkedHashMap<>();
        boolean stdout = true, rosout = true, external = true;
        Path logConfig = null;
        String logFile = null, enclave = null;
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
                case "-r", "--remap" -> rules.add(validRule(RemapRule.parse(value(args, ++i, a), a)));
                case "--log-level" -> logLevel(levels, value(args, ++i, a));
                case "-e", "--enclave" -> enclave = value(args, ++i, a);
                case "--log-config-file" -> logConfig = Path.of(value(args, ++i, a));
                case "--log-file-name" -> logFile = value(args, ++i, a);
                case "--enable-stdout-logs", "--disable-stdout-logs" -> stdout = a.startsWith("--enable");
                case "--enable-rosout-logs", "--disable-rosout-logs" -> rosout = a.startsWith("--enable");
                case "--enable-external-lib-logs", "--disable-external-lib-logs" -> external = a.startsWith("--enable");
                default -> throw new IllegalArgumentException("unknown ROS argument '" + a + "' (known: --params-file FILE, -p name:=value, "
                        + "-r [node:]from:=to, -r __node:=NAME, -r __ns:=/NS, --log-level [logger:=]LEVEL, -e/--enclave ENCLAVE, "
                        + "--log-config-file FILE, --log-file-name NAME, --enable-/--disable-stdout-logs, -rosout-logs, -external-lib-logs)");
            }
        }
        // the node's name and namespace: the first rule for this node (by the name it was given) that sets them
        String node = defaultNodeName, ns = "/";
        RemapRule nodeRule = first(rules, "__node", defaultNodeName);
        if (nodeRule == null) nodeRule = first(rules, "__name", defaultNodeName);
        if (nodeRule != null) node = validName(nodeRule.to(), "node name");
        RemapRule nsRule = first(rules, "__ns", defaultNodeName);
        if (nsRule != null) ns = validNamespace(nsRule.to());
        List<RemapRule> topicRules = rules.stream().filter(r -> !r.from().startsWith("__")).toList();
        return new RosArgs(List.copyOf(files), params, topicRules, node, ns, Map.copyOf(levels), new Logging(stdout, rosout, external, logConfig, logFile),
                enclave);
    }

    /**
     * The arguments a tool that is not launched by ROS gives the node's parameters: parameter files and {@code
     * name:=value} overrides (each read as {@code -p} reads it), {@code [node:]from:=to} remaps (as {@code -r}), the
     * default node name in the root namespace.
     */
    public static RosArgs of(List<Path> paramsFiles, List<String> overrides, List<String> remaps, String nodeName) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (String o : overrides) override(params, o, "-p");
        List<RemapRule> rules = new ArrayList<>();
        for (String r : remaps) {
            RemapRule rule = validRule(RemapRule.parse(r, "-r"));
            if (rule.from().startsWith("__")) throw new IllegalArgumentException("-r " + r + ": this tool runs the node under its default name; "
                    + "__node and __ns are for a launched node");
            rules.add(rule);
        }
        return new RosArgs(List.copyOf(paramsFiles), params, List.copyOf(rules), nodeName, "/", Map.of(), Logging.DEFAULTS, null);
    }

    /** The level {@code --log-level LEVEL} set for every logger, or null. */
    public String logLevel() {
        return logLevels.get("");
    }

    /** The node's logger name as rcl forms it: the namespace and the name, dot-separated ("robot.perception"). */
    public String loggerName() {
        return fullyQualifiedName().substring(1).replace('/', '.');
    }

    private static RemapRule first(List<RemapRule> rules, String from, String nodeName) {
        for (RemapRule r : rules) if (r.from().equals(from) && r.appliesTo(nodeName)) return r;
        return null;
    }

    private static RemapRule validRule(RemapRule r) {
        if (r.from().startsWith("__")) {
            if (!List.of("__node", "__name", "__ns").contains(r.from())) {
                throw new IllegalArgumentException("ROS argument -r '" + r.from() + ":=" + r.to() + "': " + r.from() + " is not one of __node, __ns");
            }
            return r;
        }
        for (String name : new String[] {r.from(), r.to()}) {
            if (!name.matches("~|(~/|/)?[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z_][A-Za-z0-9_]*)*")) {
                throw new IllegalArgumentException("ROS argument -r '" + r.from() + ":=" + r.to() + "': '" + name + "' is not a valid topic name");
            }
        }
        return r;
    }

    private static void logLevel(Map<String, String> levels, String spec) {
        int at = spec.indexOf(":=");
        String logger = at > 0 ? spec.substring(0, at) : "";
        String level = (at > 0 ? spec.substring(at + 2) : spec).toLowerCase(java.util.Locale.ROOT);
        if (!LOG_LEVELS.contains(level)) {
            throw new IllegalArgumentException("ROS argument --log-level '" + spec + "': level must be one of " + String.join(", ", LOG_LEVELS));
        }
        levels.put(logger, level);
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

    /**
     * Resolves a topic name the ROS way: expanded (relative names under the namespace, {@code ~} under the node), then
     * the first remap rule for this node whose expanded {@code from} is that name gives the expanded {@code to}.
     */
    public String resolveTopic(String topic) {
        String expanded = expand(topic);
        for (RemapRule r : remaps) {
            if (r.appliesTo(nodeName) && expand(r.from()).equals(expanded)) {
                expanded = expand(r.to());
                break;
            }
        }
        if (!expanded.matches("(/[A-Za-z_][A-Za-z0-9_]*)+")) throw new IllegalArgumentException("invalid topic name '" + expanded + "'");
        return expanded;
    }

    private String expand(String name) {
        if (name.equals("~")) return fullyQualifiedName();
        if (name.startsWith("~/")) return fullyQualifiedName() + name.substring(1);
        if (name.startsWith("/")) return name;
        return (namespace.equals("/") ? "" : namespace) + "/" + name;
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) throw new IllegalArgumentException("ROS argument " + flag + " needs a value");
        return args[i];
    }

    static String[] assignment(String s, String flag) {
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
