package dev.inferbus.functions.gpu;

/** A body that does not follow its wire format: a request to a container, or an endpoint's response. */
public final class MalformedPayloadException extends Exception {

    public MalformedPayloadException(String message) {
        super(message);
    }
}
