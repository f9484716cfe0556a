package dev.inferbus.functions.gpu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.functions.batch.Outcome;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelNotReadyException;

/**
 * Sorts a failed endpoint call into what happens to its records. Throttling, 429, 5xx, a model not ready yet,
 * timeouts and connection failures pass: the records go back to their queue, whose event source concurrency is
 * the backpressure. Everything else is the request's own fault and will not pass on a retry: the records fail
 * with {@code MODEL_ERROR} and the endpoint's reason.
 */
public final class EndpointFailures {

    private static final int MAX_REASON = 300;

    private EndpointFailures() {
    }

    public static Outcome classify(Throwable error, String endpoint) {
        Throwable e = cause(error);
        if (e instanceof ModelErrorException model) {
            // the container answered with an error of its own: its status says whether it passes
            Integer status = model.originalStatusCode();
            String reason = "endpoint " + endpoint + ": the model's container answered " + status + ": "
                    + clip(containerMessage(model.originalMessage()));
            return status != null && (status == 429 || status >= 500) ? new Outcome.Retry(reason)
                    : new Outcome.Failed(ErrorCode.MODEL_ERROR, reason);
        }
        if (e instanceof ModelNotReadyException) {
            return new Outcome.Retry("endpoint " + endpoint + ": model not ready");
        }
        if (e instanceof SdkServiceException service) {
            String code = e instanceof AwsServiceException aws && aws.awsErrorDetails() != null
                    ? aws.awsErrorDetails().errorCode() : null;
            String reason = "endpoint " + endpoint + " answered " + service.statusCode() + (code == null ? "" : " " + code)
                    + ": " + clip(e instanceof AwsServiceException aws && aws.awsErrorDetails() != null
                    ? aws.awsErrorDetails().errorMessage() : e.getMessage());
            boolean passes = service.isThrottlingException() || service.statusCode() == 429 || service.statusCode() >= 500
                    || "ThrottlingException".equals(code);
            return passes ? new Outcome.Retry(reason) : new Outcome.Failed(ErrorCode.MODEL_ERROR, reason);
        }
        if (e instanceof SdkClientException) {
            return new Outcome.Retry("endpoint " + endpoint + " unreachable or timed out: " + clip(e.getMessage()));
        }
        // anything unforeseen is retried rather than lost; the queue's redrive ends a record that never passes
        return new Outcome.Retry("endpoint " + endpoint + ": " + e);
    }

    /**
     * The failure of a call that carried a single text, so that what the container says is about that text: its
     * 413 means the text is too large for the model (TEI: over its token limit), its 422 that the model cannot
     * process it (TEI: the tokenizer failed on it). Anything else is sorted as for any call.
     */
    public static Outcome classifyText(Throwable error, String endpoint) {
        return refusal(error, endpoint, Map.of(413, ErrorCode.INPUT_TOO_LARGE, 422, ErrorCode.INVALID_INPUT));
    }

    /**
     * The failure of a call that carried one request's tensors: Triton answers 400 for tensors its model does not
     * take (an unknown input, another datatype or shape: the KServe v2 protocol's failed inference request), which
     * is that request's own input. Anything else is sorted as for any call.
     */
    public static Outcome classifyTensors(Throwable error, String endpoint) {
        return refusal(error, endpoint, Map.of(KserveV2Tensors.REFUSED, ErrorCode.INVALID_INPUT));
    }

    /** A permanent failure whose container status {@code codes} names is the request's own, with that code. */
    public static Outcome refusal(Throwable error, String endpoint, Map<Integer, ErrorCode> codes) {
        Outcome outcome = classify(error, endpoint);
        if (outcome instanceof Outcome.Failed failed && cause(error) instanceof ModelErrorException model
                && model.originalStatusCode() != null && codes.containsKey(model.originalStatusCode())) {
            return new Outcome.Failed(codes.get(model.originalStatusCode()), failed.message());
        }
        return outcome;
    }

    /**
     * Whether the model's container refused the call (a 4xx of its own other than 429): a call of fewer texts may
     * pass, as TEI refuses every text of a call for one over its limit.
     */
    public static boolean refusedByContainer(Throwable error) {
        return cause(error) instanceof ModelErrorException model && model.originalStatusCode() != null
                && model.originalStatusCode() >= 400 && model.originalStatusCode() < 500 && model.originalStatusCode() != 429;
    }

    private static Throwable cause(Throwable error) {
        Throwable e = error;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /**
     * SageMaker hands back the container's body as OriginalMessage; TEI's (and the local stand-in's) is
     * {@code {"error": …, "error_type": …}}, whose {@code error} is the sentence worth keeping.
     */
    private static String containerMessage(String original) {
        if (original == null) {
            return null;
        }
        try {
            JsonNode error = WireFormat.JSON.readTree(original).path("error");
            return error.isTextual() ? error.asText() : original;
        } catch (IOException e) {
            return original;
        }
    }

    private static String clip(String message) {
        if (message == null) {
            return "(no message)";
        }
        String line = message.lines().findFirst().orElse("");
        return line.length() > MAX_REASON ? line.substring(0, MAX_REASON) + "…" : line;
    }
}
