package dev.inferbus.functions.runtime;

import dev.inferbus.events.contract.ErrorCode;

/** A request input that a model cannot take; the message names the JSON pointer of the offending field. */
public final class InvalidInputException extends Exception {

    private final ErrorCode code;

    public InvalidInputException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public static InvalidInputException invalid(String message) {
        return new InvalidInputException(ErrorCode.INVALID_INPUT, message);
    }

    public ErrorCode code() {
        return code;
    }
}
