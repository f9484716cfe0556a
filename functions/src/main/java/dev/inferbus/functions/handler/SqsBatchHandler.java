package dev.inferbus.functions.handler;

import dev.inferbus.functions.budget.Deadline;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.inferbus.functions.pipeline.InferencePipeline;
import dev.inferbus.functions.tracing.RecordSource;
import java.util.Map;
import java.util.stream.Collectors;

/** Drains a route's queue: one pipeline run per batch; transient failures come back as batch item failures. */
public class SqsBatchHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final FunctionRuntime runtime;

    public SqsBatchHandler() {
        this(Init.RUNTIME);
    }

    public SqsBatchHandler(FunctionRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public final SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        Map<String, RecordSource> sources = event.getRecords().stream().collect(Collectors.toMap(SQSEvent.SQSMessage::getMessageId,
                m -> RecordSource.sqs(m.getAttributes() == null ? Map.of() : m.getAttributes()), (a, b) -> a));
        InferencePipeline.Report report = runtime.tracing().invocation(sources, () -> runtime.pipeline().process(event.getRecords().stream()
                .map(m -> new InferencePipeline.Record(m.getMessageId(), m.getBody())).toList(), Deadline.of(context)));
        return SQSBatchResponse.builder().withBatchItemFailures(report.retry().stream()
                .map(id -> SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(id).build()).toList()).build();
    }
}
