package dev.inferbus.local.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.local.eventbridge.RouteTarget;
import dev.inferbus.local.lambda.runtime.InvocationResult;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Lambda's asynchronous invocation (a rule's Lambda target, an SNS subscription): the event is queued, invoked,
 * and on failure retried {@code MaximumRetryAttempts} times with a delay; once those are spent it goes to the
 * on-failure destination as a destination record (the request, the condition, the last error), per "Asynchronous
 * invocation" and "Configuring destinations for asynchronous invocation" in the Lambda developer guide.
 */
public final class AsyncInvoker implements RouteTarget, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncInvoker.class);

    /**
     * The function's {@code AWS::Lambda::EventInvokeConfig}.
     *
     * @param retryDelay Lambda waits about a minute, then two, between attempts; the local cloud may shorten it
     * @param onFailureQueueUrl the on-failure destination's queue, or null: Lambda then discards the event
     */
    public record Config(int maximumRetryAttempts, Duration retryDelay, String onFailureQueueUrl) {
    }

    private final String functionArn;
    private final Invoker invoker;
    private final SqsClient sqs;
    private final Config config;
    private final ExecutorService executor;

    public AsyncInvoker(String functionName, String functionArn, Invoker invoker, SqsClient sqs, Config config, int concurrency) {
        this.functionArn = functionArn;
        this.invoker = invoker;
        this.sqs = sqs;
        this.config = config;
        this.executor = Executors.newFixedThreadPool(concurrency,
                Thread.ofPlatform().name(functionName + "-invoke-", 0).daemon().factory());
    }

    @Override
    public void deliver(JsonNode event, String eventJson) {
        submit(eventJson);
    }

    /** Queues one asynchronous invocation with this payload. */
    public void submit(String payload) {
        executor.execute(() -> invokeWithRetries(payload));
    }

    private void invokeWithRetries(String payload) {
        InvocationResult last = null;
        int attempts = 0;
        for (int attempt = 0; attempt <= config.maximumRetryAttempts(); attempt++) {
            try {
                if (attempt > 0) {
                    Thread.sleep(config.retryDelay().multipliedBy(attempt).toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            attempts++;
            last = invoker.invoke(payload);
            if (!Invoker.failed(last)) {
                return;
            }
            LOG.debug("{} failed attempt {}: {}", functionArn, attempts, String.join(": ", Invoker.error(last)));
        }
        String[] error = Invoker.error(last);
        if (config.onFailureQueueUrl() == null) {
            LOG.warn("{} gave up on an event after {} attempts and has no on-failure destination: {}", functionArn, attempts, error[1]);
            return;
        }
        String record = LambdaEvents.onFailureRecord(functionArn, payload, "RetriesExhausted", attempts, error[0], error[1]);
        sqs.sendMessage(b -> b.queueUrl(config.onFailureQueueUrl()).messageBody(record));
        LOG.warn("{} gave up on an event after {} attempts; sent to its on-failure destination: {}", functionArn, attempts, error[1]);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
