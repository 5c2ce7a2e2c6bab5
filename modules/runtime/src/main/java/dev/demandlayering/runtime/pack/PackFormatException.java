package dev.demandlayering.runtime.pack;

/** A pack file is unreadable, truncated or corrupt; the message names the file and, where known, the layer. */
public class PackFormatException extends RuntimeException {
    public PackFormatException(String message) {
        super(message);
    }

    public PackFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
