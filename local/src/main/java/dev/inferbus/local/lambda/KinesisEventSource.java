package dev.inferbus.local.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.Deque;
import java.util.List;
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

    /** @param retryAttempts retries of a record set after its first failed invocation */
    public record Settings(int batchSize, boolean bisectOnError, int retryAttempts) {
    }

    private final FunctionSpec function;
    private final RequestHandler<KinesisEvent, StreamsEventResponse> handler;
    private final KinesisClient kinesis;
    private final SqsClient sqs;
    private final String streamName;
    private final String streamArn;
    private final String onFailureQueueUrl;
    private final Settings settings;
    private final ObjectMapper json;
    private final PollerThreads pollers = new PollerThreads();

    public KinesisEventSource(FunctionSpec function, RequestHandler<KinesisEvent, StreamsEventResponse> handler,
                              KinesisClient kinesis, SqsClient sqs, String streamName, String onFailureQueueUrl,
                              Settings settings, ObjectMapper json) {
        this.function = function;
        this.handler = handler;
        this.kinesis = kinesis;
        this.sqs = sqs;
        this.streamName = streamName;
        this.onFailureQueueUrl = onFailureQueueUrl;
        this.settings = settings;
        this.json = json;
        this.streamArn = kinesis.describeStreamSummary(b -> b.streamName(streamName)).streamDescriptionSummary().streamARN();
        for (Shard shard : kinesis.listShards(b -> b.streamName(streamName)).shards()) {
            pollers.start(function.name() + "-" + shard.shardId(), () -> poll(shard.shardId()));
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
                    LOG.warn("{} poller on {}: {}", function.name(), shardId, e.toString());
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
        KinesisEvent event = new KinesisEvent();
        List<KinesisEvent.KinesisEventRecord> eventRecords = new ArrayList<>();
        for (Record r : records) {
            KinesisEvent.Record data = new KinesisEvent.Record();
            data.setPartitionKey(r.partitionKey());
            data.setSequenceNumber(r.sequenceNumber());
            data.setData(r.data().asByteBuffer());
            data.setApproximateArrivalTimestamp(Date.from(r.approximateArrivalTimestamp()));
            data.setKinesisSchemaVersion("1.0");
            KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
            record.setKinesis(data);
            record.setEventSource("aws:kinesis");
            record.setEventID(shardId + ":" + r.sequenceNumber());
            record.setEventName("aws:kinesis:record");
            record.setEventSourceARN(streamArn);
            record.setAwsRegion("us-east-1");
            record.setEventVersion("1.0");
            eventRecords.add(record);
        }
        event.setRecords(eventRecords);
        try {
            StreamsEventResponse response = handler.handleRequest(event, function.newContext());
            if (response == null || response.getBatchItemFailures() == null || response.getBatchItemFailures().isEmpty()) {
                return -1;
            }
            int lowest = records.size();
            for (StreamsEventResponse.BatchItemFailure f : response.getBatchItemFailures()) {
                int index = indexOf(records, f.getItemIdentifier());
                // as on AWS, a failure naming no record of the batch fails the whole batch
                lowest = Math.min(lowest, index < 0 ? 0 : index);
            }
            return lowest;
        } catch (RuntimeException e) {
            LOG.debug("{} failed a batch of {} on {}: {}", function.name(), records.size(), shardId, e.toString());
            return 0;
        }
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
        request.put("functionArn", "arn:aws:lambda:us-east-1:000000000000:function:" + function.name());
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
        sqs.sendMessage(b -> b.queueUrl(onFailureQueueUrl).messageBody(message.toString()));
        LOG.warn("{}: {} record(s) from {} on {} exhausted their retries; described to the on-failure destination",
                function.name(), records.size(), records.get(0).sequenceNumber(), shardId);
    }

    @Override
    public void close() {
        pollers.close();
    }

    private record Attempt(List<Record> records, int failures) {
    }
}
