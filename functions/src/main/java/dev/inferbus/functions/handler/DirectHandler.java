package dev.inferbus.functions.handler;

import dev.inferbus.functions.budget.Deadline;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.inferbus.functions.pipeline.InferencePipeline;
import dev.inferbus.functions.tracing.RecordSource;
import java.util.List;
import java.util.Map;

/**
 * The EventBridge rule target: one event per asynchronous invocation, including the reject route's events with
 * a missing or unknown model. A transient failure is thrown so that Lambda retries and then dead-letters it.
 */
public final class DirectHandler implements RequestHandler<Map<String, Object>, Void> {

    private final FunctionRuntime runtime;

    public DirectHandler() {
        this(Init.RUNTIME);
    }

    public DirectHandler(FunctionRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Void handleRequest(Map<String, Object> event, Context context) {
        String body = runtime.codec().toJson(event);
        String id = event.get("id") instanceof String s ? s : context.getAwsRequestId();
        InferencePipeline.Report report = runtime.tracing().invocation(Map.of(id, RecordSource.DIRECT),
                () -> runtime.pipeline().process(List.of(new InferencePipeline.Record(id, body)), Deadline.of(context)));
        if (!report.retry().isEmpty()) {
            throw new TransientFailureException("event " + id + " hit a transient failure; Lambda will retry it");
        }
        return null;
    }
}
