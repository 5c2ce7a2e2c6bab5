package dev.demandlayering.ros.bag;

import java.io.IOException;

/** A bag that cannot be read: the message names the file, where in it, and what was expected. */
public final class BagFormatException extends IOException {
    public BagFormatException(String message) {
        super(message);
    }

    public BagFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
