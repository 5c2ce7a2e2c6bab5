package dev.demandlayering.ros.params;

import java.util.List;

/** Start-up parameters that cannot be used; the message lists every problem, one per line. */
public class ParameterException extends IllegalArgumentException {
    private final List<String> problems;

    public ParameterException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
