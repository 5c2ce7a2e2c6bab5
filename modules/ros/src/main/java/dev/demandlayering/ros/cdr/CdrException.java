package dev.demandlayering.ros.cdr;

/** A message payload that is not valid CDR for its type; the message names the type, field and offset. */
public class CdrException extends RuntimeException {
    public CdrException(String message) {
        super(message);
    }
}
