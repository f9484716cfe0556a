package dev.inferbus.local.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Lambda's SQS event source mapping: pollers that gather up to {@code batchSize} messages within the batching
 * window, invoke the handler, and — with {@code ReportBatchItemFailures} — delete the successes and leave the
 * reported failures to reappear after the visibility timeout; the queue's redrive policy moves a message to the
 * DLQ after maxReceiveCount receives. A handler that throws fails the whole batch.
 */
public final class SqsEventSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SqsEventSource.class);

    private final FunctionSpec function;
    private final RequestHandler<SQSEvent, SQSBatchResponse> handler;
    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final int batchSize;
    private final Duration window;
    private final PollerThreads pollers = new PollerThreads();

    public SqsEventSource(FunctionSpec function, RequestHandler<SQSEvent, SQSBatchResponse> handler, SqsClient sqs,
                          String queueUrl, String queueArn, int batchSize, Duration window, int concurrency) {
        this.function = function;
        this.handler = handler;
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.batchSize = batchSize;
        this.window = window;
        for (int i = 0; i < concurrency; i++) {
            pollers.start(function.name() + "-sqs-poller-" + i, this::poll);
        }
    }

    private void poll() {
        while (pollers.running()) {
            try {
                List<Message> batch = gather();
                if (!batch.isEmpty() && pollers.running()) {
                    invoke(batch);
                }
            } catch (RuntimeException e) {
                if (pollers.running()) {
                    LOG.warn("{} poller: {}", function.name(), e.toString());
                    PollerThreads.pause(500);
                }
            }
        }
    }

    private List<Message> gather() {
        List<Message> batch = new ArrayList<>();
        long deadline = 0;
        while (pollers.running() && batch.size() < batchSize) {
            // long polls of a second: a batch may close up to a second after its window
            List<Message> received = sqs.receiveMessage(b -> b.queueUrl(queueUrl)
                    .maxNumberOfMessages(Math.min(10, batchSize - batch.size()))
                    .waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .messageAttributeNames("All")).messages();
            if (batch.isEmpty() && !received.isEmpty()) {
                deadline = System.currentTimeMillis() + window.toMillis();
            }
            for (Message m : received) {
                // a visibility timeout shorter than the window could hand a message back; a batch holds it once
                if (batch.stream().noneMatch(b -> b.messageId().equals(m.messageId()))) {
                    batch.add(m);
                }
            }
            if (!batch.isEmpty() && System.currentTimeMillis() >= deadline) {
                break;
            }
        }
        return batch;
    }

    private void invoke(List<Message> messages) {
        SQSEvent event = new SQSEvent();
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message m : messages) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(m.messageId());
            record.setReceiptHandle(m.receiptHandle());
            record.setBody(m.body());
            record.setMd5OfBody(m.md5OfBody());
            Map<String, String> attributes = new HashMap<>();
            m.attributes().forEach((k, v) -> attributes.put(k.toString(), v));
            record.setAttributes(attributes);
            record.setEventSource("aws:sqs");
            record.setEventSourceArn(queueArn);
            record.setAwsRegion("us-east-1");
            records.add(record);
        }
        event.setRecords(records);
        Set<String> failed = new HashSet<>();
        try {
            SQSBatchResponse response = handler.handleRequest(event, function.newContext());
            if (response != null && response.getBatchItemFailures() != null) {
                for (SQSBatchResponse.BatchItemFailure f : response.getBatchItemFailures()) {
                    failed.add(f.getItemIdentifier());
                }
            }
            // As on AWS: a failure that names no message of the batch fails the whole batch.
            boolean unknown = failed.stream().anyMatch(id -> id == null || messages.stream().noneMatch(m -> m.messageId().equals(id)));
            if (unknown) {
                LOG.warn("{} reported a batch item failure that names no message of its batch; the whole batch is retried", function.name());
                return;
            }
        } catch (RuntimeException e) {
            LOG.warn("{} failed a batch of {}: {}", function.name(), messages.size(), e.toString());
            return;
        }
        List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
        for (Message m : messages) {
            if (!failed.contains(m.messageId())) {
                deletes.add(DeleteMessageBatchRequestEntry.builder().id(String.valueOf(deletes.size()))
                        .receiptHandle(m.receiptHandle()).build());
            }
            if (deletes.size() == 10) {
                delete(deletes);
            }
        }
        delete(deletes);
    }

    private void delete(List<DeleteMessageBatchRequestEntry> entries) {
        if (!entries.isEmpty()) {
            sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(List.copyOf(entries)));
            entries.clear();
        }
    }

    /** The queue's ARN for a redrive policy. */
    public static String arnOf(SqsClient sqs, String queueUrl) {
        return sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    @Override
    public void close() {
        pollers.close();
    }
}
