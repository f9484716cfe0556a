package dev.inferbus.local.eventbridge;

/**
 * An EventBridge error answer: the HTTP status, the error code the SDKs and the CLI turn into their exception
 * ({@code __type} in the AWS JSON 1.1 body) and the message. EventBridge answers a request it refuses with 400
 * ("Common Errors", https://docs.aws.amazon.com/eventbridge/latest/APIReference/CommonErrors.html, and each
 * operation's Errors section).
 */
final class EventBridgeError extends Exception {

    private final int status;
    private final String code;

    EventBridgeError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static EventBridgeError validation(String message) {
        return new EventBridgeError(400, "ValidationException", message);
    }

    static EventBridgeError notFound(String message) {
        return new EventBridgeError(400, "ResourceNotFoundException", message);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }
}
