package dev.demandlayering.runtime.graph;

/** A model file cannot be turned into a runnable graph; the message names the file and the node. */
public class ModelImportException extends RuntimeException {
    public ModelImportException(String message) {
        super(message);
    }

    public ModelImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
