package dev.inferbus.functions.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SNSEvent;
import dev.inferbus.functions.gpu.AsyncCompletions;
import dev.inferbus.functions.results.ResultReporter;
import java.util.List;
import java.util.Map;

/**
 * Subscribed to an asynchronous endpoint's success and error topics: ends each notified request's PENDING row.
 * A transient failure is thrown, so that Lambda retries the notification (and then dead-letters it); the
 * completion is idempotent, so a retry or a second SNS delivery ends nothing twice.
 */
public final class AsyncCompletionHandler implements RequestHandler<SNSEvent, Void> {

    private final FunctionRuntime runtime;

    public AsyncCompletionHandler() {
        this(Init.RUNTIME);
    }

    public AsyncCompletionHandler(FunctionRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Void handleRequest(SNSEvent event, Context context) {
        List<String> retry = runtime.tracing().invocation(Map.of(), () -> event.getRecords().stream()
                .map(record -> runtime.completions().complete(record.getSNS().getMessage()))
                .filter(c -> c.fate() == ResultReporter.Fate.RETRY)
                .map(AsyncCompletions.Completion::requestId)
                .toList());
        if (!retry.isEmpty()) {
            throw new TransientFailureException("completions of " + retry + " hit a transient failure; Lambda will retry them");
        }
        return null;
    }
}
