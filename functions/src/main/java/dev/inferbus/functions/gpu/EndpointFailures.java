package dev.inferbus.functions.gpu;

import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.functions.batch.Outcome;
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
        Throwable e = error;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof ModelErrorException model) {
            // the container answered with an error of its own: its status says whether it passes
            Integer status = model.originalStatusCode();
            String reason = "endpoint " + endpoint + ": the model's container answered " + status + ": " + clip(model.originalMessage());
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

    private static String clip(String message) {
        if (message == null) {
            return "(no message)";
        }
        String line = message.lines().findFirst().orElse("");
        return line.length() > MAX_REASON ? line.substring(0, MAX_REASON) + "…" : line;
    }
}
