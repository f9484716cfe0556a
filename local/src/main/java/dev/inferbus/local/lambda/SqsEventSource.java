package dev.inferbus.local.lambda;

import dev.inferbus.local.lambda.runtime.InvocationResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * DLQ after maxReceiveCount receives. A failed invocation (function error, timeout, crash) fails the whole batch.
 * Each poller makes one invocation at a time, so the pollers are the mapping's concurrency.
 */
public final class SqsEventSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SqsEventSource.class);

    private final String function;
    private final Invoker invoker;
    private final String region;
    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final Settings settings;
    private final PollerThreads pollers = new PollerThreads();

    /**
     * The mapping's settings, as its template properties name them.
     *
     * @param concurrency pollers, each one invocation at a time ({@code ScalingConfig.MaximumConcurrency})
     * @param reportBatchItemFailures {@code FunctionResponseTypes} holds {@code ReportBatchItemFailures}; without
     *                                it a successful invocation deletes the whole batch, whatever it returned
     */
    public record Settings(int batchSize, Duration window, int concurrency, boolean reportBatchItemFailures) {
    }

    public SqsEventSource(String function, Invoker invoker, SqsClient sqs, String queueUrl, String queueArn, String region,
                          Settings settings) {
        this.function = function;
        this.invoker = invoker;
        this.region = region;
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.settings = settings;
        for (int i = 0; i < settings.concurrency(); i++) {
            pollers.start(function + "-sqs-poller-" + i, this::poll);
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
                    LOG.warn("{} poller: {}", function, e.toString());
                    PollerThreads.pause(500);
                }
            }
        }
    }

    private List<Message> gather() {
        List<Message> batch = new ArrayList<>();
        long deadline = 0;
        while (pollers.running() && batch.size() < settings.batchSize()) {
            // long polls of a second: a batch may close up to a second after its window
            List<Message> received = sqs.receiveMessage(b -> b.queueUrl(queueUrl)
                    .maxNumberOfMessages(Math.min(10, settings.batchSize() - batch.size()))
                    .waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .messageAttributeNames("All")).messages();
            if (batch.isEmpty() && !received.isEmpty()) {
                deadline = System.currentTimeMillis() + settings.window().toMillis();
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
        InvocationResult result = invoker.invoke(LambdaEvents.sqs(messages, queueArn, region));
        if (Invoker.failed(result)) {
            LOG.warn("{} failed a batch of {}: {}", function, messages.size(), String.join(": ", Invoker.error(result)));
            return;
        }
        Set<String> failed = settings.reportBatchItemFailures()
                ? LambdaEvents.batchItemFailures(((InvocationResult.Success) result).payload()) : Set.of();
        // As on AWS: a failure that names no message of the batch fails the whole batch.
        boolean unknown = failed.stream().anyMatch(id -> id == null || messages.stream().noneMatch(m -> m.messageId().equals(id)));
        if (unknown) {
            LOG.warn("{} reported a batch item failure that names no message of its batch; the whole batch is retried", function);
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
