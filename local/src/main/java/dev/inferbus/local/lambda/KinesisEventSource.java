package dev.inferbus.local.lambda;

import dev.inferbus.local.lambda.runtime.InvocationResult;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Lambda's Kinesis event source mapping: one poller per shard, so records of a shard (and so of a partition
 * key) are handed over in order. With {@code ReportBatchItemFailures}, records before the lowest failed
 * sequence number count as done (the checkpoint) and the rest is retried; with bisect-on-error a failing
 * remainder is split in halves, isolating a poison record; once a record set has used its retry attempts it is
 * described to the on-failure destination (an SQS queue, as AWS does: batch info, not the records) and
 * skipped, so the records behind it go on in order.
 */
public final class KinesisEventSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KinesisEventSource.class);

    /**
     * The mapping's settings, as its template properties name them.
     *
     * @param retryAttempts retries of a record set after its first failed invocation ({@code MaximumRetryAttempts})
     * @param reportBatchItemFailures {@code FunctionResponseTypes} holds {@code ReportBatchItemFailures}
     */
    public record Settings(int batchSize, boolean bisectOnError, int retryAttempts, boolean reportBatchItemFailures) {
    }

    private final String function;
    private final String functionArn;
    private final String region;
    private final Invoker invoker;
    private final KinesisClient kinesis;
    private final SqsClient sqs;
    private final String streamName;
    private final String streamArn;
    private final String onFailureQueueUrl;
    private final Settings settings;
    private final ObjectMapper json;
    private final PollerThreads pollers = new PollerThreads();

    /** @param onFailureQueueUrl the on-failure destination's queue, or null to drop exhausted records as AWS does */
    public KinesisEventSource(String function, String functionArn, String region, Invoker invoker, KinesisClient kinesis,
                              SqsClient sqs, String streamName, String onFailureQueueUrl, Settings settings, ObjectMapper json) {
        this.function = function;
        this.functionArn = functionArn;
        this.region = region;
        this.invoker = invoker;
        this.kinesis = kinesis;
        this.sqs = sqs;
        this.streamName = streamName;
        this.onFailureQueueUrl = onFailureQueueUrl;
        this.settings = settings;
        this.json = json;
        this.streamArn = kinesis.describeStreamSummary(b -> b.streamName(streamName)).streamDescriptionSummary().streamARN();
        for (Shard shard : kinesis.listShards(b -> b.streamName(streamName)).shards()) {
            pollers.start(function + "-" + shard.shardId(), () -> poll(shard.shardId()));
        }
    }

    private void poll(String shardId) {
        String iterator = null;
        while (pollers.running()) {
            try {
                if (iterator == null) {
                    iterator = kinesis.getShardIterator(b -> b.streamName(streamName).shardId(shardId)
                            .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                }
                String current = iterator;
                var result = kinesis.getRecords(b -> b.shardIterator(current).limit(settings.batchSize()));
                if (!result.records().isEmpty()) {
                    process(shardId, result.records());
                } else {
                    Thread.sleep(200);
                }
                iterator = result.nextShardIterator();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (pollers.running()) {
                    LOG.warn("{} poller on {}: {}", function, shardId, e.toString());
                    PollerThreads.pause(500);
                }
            }
        }
    }

    private void process(String shardId, List<Record> records) {
        Deque<Attempt> pending = new ArrayDeque<>();
        pending.push(new Attempt(records, 0));
        while (!pending.isEmpty() && pollers.running()) {
            Attempt attempt = pending.pop();
            int failedAt = invoke(shardId, attempt.records());
            if (failedAt < 0) {
                continue;
            }
            List<Record> rest = attempt.records().subList(failedAt, attempt.records().size());
            int tries = attempt.failures() + 1;
            if (settings.bisectOnError() && rest.size() > 1) {
                // as on AWS, splitting does not count against the retry attempts
                int half = rest.size() / 2;
                pending.push(new Attempt(rest.subList(half, rest.size()), attempt.failures()));
                pending.push(new Attempt(rest.subList(0, half), attempt.failures()));
            } else if (tries <= settings.retryAttempts()) {
                pending.push(new Attempt(rest, tries));
            } else {
                sendToOnFailure(shardId, rest, tries);
            }
        }
    }

    /** Invokes the handler; returns the index of the first record to retry, or -1 when all succeeded. */
    private int invoke(String shardId, List<Record> records) {
        InvocationResult result = invoker.invoke(LambdaEvents.kinesis(records, shardId, streamArn, region));
        if (Invoker.failed(result)) {
            LOG.debug("{} failed a batch of {} on {}: {}", function, records.size(), shardId, String.join(": ", Invoker.error(result)));
            return 0;
        }
        if (!settings.reportBatchItemFailures()) {
            return -1;
        }
        Set<String> failures = LambdaEvents.batchItemFailures(((InvocationResult.Success) result).payload());
        int lowest = failures.isEmpty() ? -1 : records.size();
        for (String sequenceNumber : failures) {
            int index = sequenceNumber == null ? -1 : indexOf(records, sequenceNumber);
            // as on AWS, a failure naming no record of the batch fails the whole batch
            lowest = Math.min(lowest, index < 0 ? 0 : index);
        }
        return lowest;
    }

    private static int indexOf(List<Record> records, String sequenceNumber) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).sequenceNumber().equals(sequenceNumber)) {
                return i;
            }
        }
        return -1;
    }

    private void sendToOnFailure(String shardId, List<Record> records, int invokeCount) {
        ObjectNode message = json.createObjectNode();
        ObjectNode request = message.putObject("requestContext");
        request.put("requestId", UUID.randomUUID().toString());
        request.put("functionArn", functionArn);
        request.put("condition", "RetryAttemptsExhausted");
        request.put("approximateInvokeCount", invokeCount);
        message.putObject("responseContext").put("statusCode", 200).put("executedVersion", "$LATEST")
                .put("functionError", "Unhandled");
        message.put("version", "1.0");
        message.put("timestamp", Instant.now().toString());
        ObjectNode info = message.putObject("KinesisBatchInfo");
        info.put("shardId", shardId);
        info.put("startSequenceNumber", records.get(0).sequenceNumber());
        info.put("endSequenceNumber", records.get(records.size() - 1).sequenceNumber());
        info.put("approximateArrivalOfFirstRecord", records.get(0).approximateArrivalTimestamp().toString());
        info.put("approximateArrivalOfLastRecord", records.get(records.size() - 1).approximateArrivalTimestamp().toString());
        info.put("batchSize", records.size());
        info.put("streamArn", streamArn);
        if (onFailureQueueUrl != null) {
            sqs.sendMessage(b -> b.queueUrl(onFailureQueueUrl).messageBody(message.toString()));
        }
        LOG.warn("{}: {} record(s) from {} on {} exhausted their retries; described to the on-failure destination",
                function, records.size(), records.get(0).sequenceNumber(), shardId);
    }

    @Override
    public void close() {
        pollers.close();
    }

    private record Attempt(List<Record> records, int failures) {
    }
}
