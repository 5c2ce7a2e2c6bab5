package dev.demandlayering.ros.params;

import java.io.IOException;
import dev.demandlayering.runtime.io.YamlFiles;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A ROS 2 parameter file: top-level keys are node names ({@code /**} for every node, {@code /ns/node},
 * {@code node} for a node in the root namespace, {@code /**}{@code /node}, {@code /ns/*}, {@code /*}{@code /node}),
 * each with a {@code ros__parameters}
 * mapping; nested mappings become dotted names. Sections that match the node apply in file order, later ones
 * winning; a file with no section for the node is logged, since the node then runs on defaults.
 */
public final class ParameterFile {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ParameterFile.class);
    private ParameterFile() {
    }

    public static Map<String, Object> load(Path file, String nodeName, String fullyQualifiedName) throws IOException {
        Map<?, ?> root = YamlFiles.readMapping(file, "parameter file", "node names (node_name: ros__parameters: ...)");
        Map<String, Object> out = new LinkedHashMap<>();
        boolean any = false;
        for (Map.Entry<?, ?> e : root.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (!(e.getValue() instanceof Map<?, ?> section) || !section.containsKey("ros__parameters")) {
                throw new IOException(file + ": section '" + key + "' has no 'ros__parameters' mapping");
            }
            if (!matches(key, fullyQualifiedName)) continue;
            any = true;
            Object params = section.get("ros__parameters");
            if (!(params instanceof Map<?, ?> p)) throw new IOException(file + ": '" + key + ".ros__parameters' must be a mapping");
            flatten("", p, out);
        }
        if (!any) {
            LOG.warn("{}: no section applies to node {} (sections: {}); use /**, {} or /**/{}", file, fullyQualifiedName, root.keySet(),
                    fullyQualifiedName, nodeName);
        }
        return out;
    }

    /**
     * Whether a section's key names this node, as rclcpp matches them: the key is a node's fully qualified name
     * (a leading / may be left out), where a {@code *} token stands for one namespace or name token and {@code **} for
     * any number of them ({@code /**}, {@code /**}{@code /NODE}, {@code /ns/*}, {@code /*}{@code /NODE}).
     */
    static boolean matches(String key, String fqn) {
        String k = key.startsWith("/") ? key : "/" + key;
        StringBuilder regex = new StringBuilder();
        for (String token : k.substring(1).split("/", -1)) {
            switch (token) {
                case "**" -> regex.append("(/[A-Za-z0-9_]+)*");
                case "*" -> regex.append("/[A-Za-z0-9_]+");
                default -> regex.append('/').append(java.util.regex.Pattern.quote(token));
            }
        }
        return fqn.matches(regex.toString());
    }

    private static void flatten(String prefix, Map<?, ?> m, Map<String, Object> out) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String name = prefix + e.getKey();
            if (e.getValue() instanceof Map<?, ?> nested) flatten(name + ".", nested, out);
            else out.put(name, e.getValue());
        }
    }
}
