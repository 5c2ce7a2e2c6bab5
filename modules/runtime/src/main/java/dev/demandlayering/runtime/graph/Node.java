package dev.demandlayering.runtime.graph;

import java.util.ArrayList;
import java.util.List;

/** One operator in a graph. Inputs and outputs are tensor names; an empty name is an omitted optional input. */
public final class Node {
    private final String opType;
    private final String name;
    private final List<String> inputs;
    private final List<String> outputs;
    private final Attributes attributes;

    public Node(String opType, String name, List<String> inputs, List<String> outputs, Attributes attributes) {
        this.opType = opType;
        this.name = name;
        this.inputs = new ArrayList<>(inputs);
        this.outputs = new ArrayList<>(outputs);
        this.attributes = attributes;
    }

    public String opType() {
        return opType;
    }

    public String name() {
        return name;
    }

    public List<String> inputs() {
        return inputs;
    }

    public List<String> outputs() {
        return outputs;
    }

    public Attributes attributes() {
        return attributes;
    }

    /** Input i, or "" when absent. */
    public String input(int i) {
        return i < inputs.size() ? inputs.get(i) : "";
    }

    /** "Conv 'name'" for error messages. */
    public String describe() {
        return opType + " node '" + name + "'";
    }

    @Override
    public String toString() {
        return opType + "(" + name + ": " + inputs + " -> " + outputs + " " + attributes + ")";
    }
}
