package dev.demandlayering.ros.params;

/**
 * One {@code -r [NODE:]FROM:=TO} rule as rcl reads it: {@code node} (null for every node) limits it to the node of that
 * name; {@code from} is {@code __node}, {@code __ns} or a topic name, matched after both sides are expanded against the
 * node's namespace and name (so a relative {@code image_raw} also matches {@code /robot/image_raw} for a node in
 * {@code /robot}).
 */
public record RemapRule(String node, String from, String to) {
    /** Parses {@code [NODE:]FROM:=TO}; {@code flag} names the option in the error. */
    static RemapRule parse(String rule, String flag) {
        int at = rule.indexOf(":=");
        if (at <= 0) throw new IllegalArgumentException("ROS argument " + flag + " '" + rule + "' must be from:=to (or node:from:=to)");
        String lhs = rule.substring(0, at), to = rule.substring(at + 2);
        // a node prefix is a plain name before the first ':'; topic names never hold one
        int colon = lhs.indexOf(':');
        String node = colon > 0 ? lhs.substring(0, colon) : null;
        String from = colon > 0 ? lhs.substring(colon + 1) : lhs;
        if (node != null && !node.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("ROS argument " + flag + " '" + rule + "': node name '" + node + "' must be letters, digits and _");
        }
        if (from.isEmpty() || to.isEmpty()) throw new IllegalArgumentException("ROS argument " + flag + " '" + rule + "' must be from:=to with both names given");
        return new RemapRule(node, from, to);
    }

    /** Whether this rule applies to a node named {@code nodeName}. */
    boolean appliesTo(String nodeName) {
        return node == null || node.equals(nodeName);
    }
}
