package dev.inferbus.functions.handler;

import dev.inferbus.functions.budget.Deadline;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.inferbus.functions.pipeline.InferencePipeline;
import dev.inferbus.functions.tracing.RecordSource;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads a route's stream shard by shard: one pipeline run per batch. Transient failures are reported by sequence
 * number; Lambda checkpoints before the lowest and retries from there, and the idempotent result store turns
 * the re-run of later records into duplicates that publish nothing again.
 */
public final class KinesisBatchHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {

    private final FunctionRuntime runtime;

    public KinesisBatchHandler() {
        this(Init.RUNTIME);
    }

    public KinesisBatchHandler(FunctionRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
        Map<String, RecordSource> sources = event.getRecords().stream().collect(Collectors.toMap(r -> r.getKinesis().getSequenceNumber(),
                r -> RecordSource.kinesis(r.getKinesis().getApproximateArrivalTimestamp()), (a, b) -> a));
        InferencePipeline.Report report = runtime.tracing().invocation(sources, () -> runtime.pipeline().process(event.getRecords().stream()
                .map(r -> new InferencePipeline.Record(r.getKinesis().getSequenceNumber(),
                        StandardCharsets.UTF_8.decode(r.getKinesis().getData().duplicate()).toString(), r.getKinesis().getPartitionKey()))
                .toList(), Deadline.of(context)));
        return StreamsEventResponse.builder().withBatchItemFailures(report.retry().stream()
                .map(seq -> StreamsEventResponse.BatchItemFailure.builder().withItemIdentifier(seq).build()).toList()).build();
    }
}
