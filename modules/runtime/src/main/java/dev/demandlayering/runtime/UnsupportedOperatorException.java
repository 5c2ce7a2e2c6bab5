package dev.demandlayering.runtime;

/** A model has an operator the chosen backend has no kernel for: found when the session is planned, naming the layer. */
public final class UnsupportedOperatorException extends IllegalArgumentException {
    public UnsupportedOperatorException(String message) {
        super(message);
    }
}
