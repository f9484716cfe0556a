package dev.inferbus.local.lambda.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * What one synchronous invocation came to, carrying what Lambda's Invoke would answer so callers can apply Lambda's
 * retry rules (event source mappings, async invokes) to it: the payload, and for a failure its {@code errorType} and
 * {@code errorMessage}. Every failure is {@code X-Amz-Function-Error: Unhandled}: the Java runtime never reports
 * "Handled".
 */
public sealed interface InvocationResult {

    /** The Invoke response body: the function's output, or the error document. */
    String payload();

    /** The handler returned; {@code payload} is its serialized output. */
    record Success(String payload, long durationMs) implements InvocationResult {
    }

    /** Every way an invocation can fail, with the fields Lambda reports for it. */
    sealed interface Failure extends InvocationResult {

        /** Lambda's {@code errorType}: the exception class for a handler error, {@code Runtime.*}/{@code Sandbox.*} else. */
        String errorType();

        String errorMessage();

        /** {@code X-Amz-Function-Error}. */
        default String functionError() {
            return "Unhandled";
        }

        /** The error document Lambda returns as the Invoke payload: {@code {"errorType":…,"errorMessage":…}}. */
        @Override
        default String payload() {
            return ErrorDocuments.document(errorType(), errorMessage());
        }
    }

    /**
     * The handler threw (the runtime posted {@code /invocation/{id}/error}), or its response broke a Lambda limit.
     *
     * @param rawPayload the error document as the runtime posted it (with {@code stackTrace}): Invoke's payload
     */
    record FunctionError(String errorType, String errorMessage, String rawPayload, long durationMs) implements Failure {
        @Override
        public String payload() {
            return rawPayload;
        }
    }

    /**
     * No answer within the function's Timeout: the environment was killed (SIGKILL), as Lambda does. Lambda's errorType is
     * {@code Sandbox.Timedout} and its message {@code Task timed out after N.00 seconds}.
     */
    record Timeout(int timeoutSeconds) implements Failure {
        @Override
        public String errorType() {
            return "Sandbox.Timedout";
        }

        @Override
        public String errorMessage() {
            return String.format(Locale.ROOT, "Task timed out after %d.00 seconds", timeoutSeconds);
        }
    }

    /**
     * The environment never became ready: the runtime posted {@code /init/error} (its type and message are these; for the
     * Java runtime a static initializer that threw is {@code java.lang.ExceptionInInitializerError}), or the process
     * exited before its first {@code next} ({@code Runtime.ExitError}). The process is gone.
     */
    record InitError(String errorType, String errorMessage) implements Failure {
    }

    /**
     * The process died while it held the invocation (killed, crashed, System.exit): Lambda's {@code Runtime.ExitError}.
     *
     * @param exitCode the exit status; 128 + n for a process ended by signal n (137: SIGKILL), as Java reports it
     */
    record Crashed(int exitCode) implements Failure {
        @Override
        public String errorType() {
            return "Runtime.ExitError";
        }

        @Override
        public String errorMessage() {
            return "Runtime exited with error: " + ErrorDocuments.exitStatus(exitCode);
        }
    }
}

/** Lambda's wording of errors, shared by the results and the environments' log lines. */
final class ErrorDocuments {

    static final ObjectMapper JSON = new ObjectMapper();

    private ErrorDocuments() {
    }

    /** {@code {"errorType":…,"errorMessage":…}}, the order Lambda writes them in. */
    static String document(String errorType, String errorMessage) {
        ObjectNode document = JSON.createObjectNode();
        document.put("errorType", errorType);
        document.put("errorMessage", errorMessage);
        return document.toString();
    }

    /**
     * How Lambda words a runtime's end, as Go prints an exit status (Lambda's supervisor is Go): "exit status 1",
     * "signal: killed".
     */
    static String exitStatus(int exitCode) {
        if (exitCode <= 128) {
            return "exit status " + exitCode;
        }
        return "signal: " + switch (exitCode - 128) {
            case 2 -> "interrupt";
            case 6 -> "aborted";
            case 9 -> "killed";
            case 11 -> "segmentation fault";
            case 15 -> "terminated";
            default -> "signal " + (exitCode - 128);
        };
    }
}
