package dev.inferbus.local.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.local.eventbridge.RouteTarget;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * An asynchronous Lambda invoke (a rule's Lambda target, an SNS subscription). As on AWS, a failed invocation is
 * retried twice with a delay, then the event goes to the function's dead-letter queue with the error as message
 * attributes.
 *
 * @param <I> the handler's input type, made from the event JSON by {@code decode}
 */
public final class AsyncInvoker<I> implements RouteTarget, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncInvoker.class);
    private static final int RETRIES = 2;
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /** The input of a handler that takes the event as a map, as Lambda's Java runtime gives it. */
    public static Function<JsonNode, Map<String, Object>> asMap(ObjectMapper json) {
        return event -> json.convertValue(event, MAP);
    }

    private final FunctionSpec function;
    private final RequestHandler<I, ?> handler;
    private final Function<JsonNode, I> decode;
    private final SqsClient sqs;
    private final String deadLetterQueueUrl;
    private final Duration retryDelay;
    private final ExecutorService executor;

    public AsyncInvoker(FunctionSpec function, RequestHandler<I, ?> handler, Function<JsonNode, I> decode, SqsClient sqs,
                        String deadLetterQueueUrl, Duration retryDelay, int concurrency) {
        this.function = function;
        this.handler = handler;
        this.decode = decode;
        this.sqs = sqs;
        this.deadLetterQueueUrl = deadLetterQueueUrl;
        this.retryDelay = retryDelay;
        this.executor = Executors.newFixedThreadPool(concurrency,
                Thread.ofPlatform().name(function.name() + "-invoke-", 0).daemon().factory());
    }

    @Override
    public void deliver(JsonNode event, String eventJson) {
        executor.execute(() -> invokeWithRetries(event, eventJson));
    }

    private void invokeWithRetries(JsonNode event, String eventJson) {
        Exception last = null;
        for (int attempt = 0; attempt <= RETRIES; attempt++) {
            try {
                if (attempt > 0) {
                    Thread.sleep(retryDelay.multipliedBy(attempt).toMillis());
                }
                handler.handleRequest(decode.apply(event), function.newContext());
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                last = e;
                LOG.debug("{} failed attempt {} on event {}: {}", function.name(), attempt + 1, event.path("id").asText(), e.toString());
            }
        }
        String error = last.getClass().getSimpleName();
        String message = last.getMessage() == null ? error : last.getMessage();
        sqs.sendMessage(b -> b.queueUrl(deadLetterQueueUrl).messageBody(eventJson).messageAttributes(Map.of(
                "ErrorCode", MessageAttributeValue.builder().dataType("String").stringValue(error).build(),
                "ErrorMessage", MessageAttributeValue.builder().dataType("String")
                        .stringValue(message.length() > 1000 ? message.substring(0, 1000) : message).build())));
        LOG.warn("{} gave up on event {} after {} attempts; sent to its DLQ: {}", function.name(),
                event.path("id").asText(), RETRIES + 1, message);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
