package dev.inferbus.functions.gpu;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.catalog.Task;
import dev.inferbus.functions.gpu.generation.GenerationFormat;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.events.contract.InferenceRequested;
import dev.inferbus.events.contract.Rejection;
import dev.inferbus.functions.results.LargeOutputs;
import dev.inferbus.events.results.PendingRow;
import dev.inferbus.events.results.RowOrigin;
import dev.inferbus.events.results.StoredResult;
import dev.inferbus.functions.results.ResultReporter;
import dev.inferbus.functions.tracing.InvocationTrace;
import dev.inferbus.functions.tracing.RequestSpan;
import dev.inferbus.events.results.ResultRow;
import dev.inferbus.events.results.ResultRows;
import dev.inferbus.events.results.ResultStore;
import dev.inferbus.functions.runtime.TextEmbeddings;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Ends the PENDING row of a request handed to an asynchronous endpoint, from the endpoint's success or error
 * notification (SageMaker's JSON, as SNS delivers it): reads the output the endpoint wrote, builds the final row
 * and its event, and writes and announces them through the same {@link ResultReporter} as every other path. A
 * notification delivered twice finds the final row and publishes nothing more (or only what a failed publish
 * still owes).
 */
public final class AsyncCompletions {

    /** What a notification came to; {@link ResultReporter.Fate#RETRY} means it must be delivered again. */
    public record Completion(String requestId, ResultReporter.Fate fate) {
    }

    private final ModelCatalog catalog;
    private final S3AsyncClient s3;
    private final String bucket;
    private final ResultStore store;
    private final ResultRows rows;
    private final ResultReporter reporter;
    private final LargeOutputs largeOutputs;
    private final EventCodec codec;
    private final Clock clock;

    public AsyncCompletions(ModelCatalog catalog, S3AsyncClient s3, String bucket, ResultStore store, ResultReporter reporter,
                            LargeOutputs largeOutputs, EventCodec codec, Clock clock) {
        this.catalog = catalog;
        this.s3 = s3;
        this.bucket = bucket;
        this.store = store;
        this.rows = new ResultRows(codec);
        this.reporter = reporter;
        this.largeOutputs = largeOutputs;
        this.codec = codec;
        this.clock = clock;
    }

    /**
     * @throws IllegalArgumentException for a notification that is not SageMaker's or names no request of ours:
     *                                  no retry can mend it, so it should end in the function's dead-letter queue
     */
    public Completion complete(String notification) {
        JsonNode message;
        try {
            message = codec.mapper().readTree(notification);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the notification is not JSON: " + e.getOriginalMessage());
        }
        String requestId = requestIdOf(message.path("requestParameters").path("inputLocation").asText(null));
        Optional<StoredResult> stored;
        try {
            stored = store.find(requestId).join();
        } catch (CompletionException e) {
            return new Completion(requestId, ResultReporter.Fate.RETRY);
        }
        return switch (stored.orElseThrow(() -> new IllegalArgumentException("no row for request " + requestId
                + ": it was never handed to an endpoint by this stack, or its row has expired"))) {
            case StoredResult.Final done -> new Completion(requestId, reporter.settle(requestId));
            case StoredResult.Pending pending -> end(requestId, pending.row(), message);
        };
    }

    private Completion end(String requestId, PendingRow pending, JsonNode message) {
        InferenceRequested stored;
        try {
            stored = codec.mapper().readValue(pending.request(), InferenceRequested.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the PENDING row of " + requestId + " holds an unreadable request", e);
        }
        RequestSpan trace = InvocationTrace.current().completion(requestId, stored.traceparent(),
                instant(message, "receivedTime"), instant(message, "eventTime"));
        Completion completion = end(requestId, pending, trace.carry(stored), message);
        trace.end(completion.fate());
        return completion;
    }

    private Completion end(String requestId, PendingRow pending, InferenceRequested detail, JsonNode message) {
        // the version that served the request, whatever the live one is now: its endpoint wrote the output, in its format
        ModelSpec model = catalog.find(pending.model()).flatMap(m -> m.forVersion(pending.version()))
                .orElseThrow(() -> new IllegalStateException("request " + requestId + " is for version '" + pending.version()
                        + "' of model '" + pending.model() + "', which the catalog no longer has"));
        long now = clock.millis();
        ResultRow row;
        if (!"Completed".equals(message.path("invocationStatus").asText())) {
            row = failed(pending, detail, "endpoint " + pending.endpoint() + " failed the inference: "
                    + message.path("failureReason").asText("no reason given"), now);
        } else {
            byte[] body;
            try {
                body = readOutput(message.path("responseParameters").path("outputLocation").asText(null));
            } catch (NoSuchKeyException e) {
                body = null;
            } catch (CompletionException e) {
                if (!(e.getCause() instanceof NoSuchKeyException)) {
                    return new Completion(requestId, ResultReporter.Fate.RETRY);
                }
                body = null;
            }
            row = body == null
                    ? failed(pending, detail, "endpoint " + pending.endpoint() + " announced an output that is not there", now)
                    : completed(pending, detail, model, body, inferenceMillis(message), now);
            if (row == null) {
                return new Completion(requestId, ResultReporter.Fate.RETRY);
            }
        }
        return new Completion(requestId, reporter.report(List.of(row)).get(0));
    }

    /** The completed row, or null when a large output could not be stored yet (a retry will). */
    private ResultRow completed(PendingRow pending, InferenceRequested detail, ModelSpec model, byte[] body, double inferenceMs,
                                long now) {
        JsonNode output;
        try {
            output = model.task() == Task.TEXT_GENERATION ? GenerationFormat.of(model.endpoint()).response(body).output()
                    : TextEmbeddings.output(WireFormat.of(model.endpoint()).response(body, 1).get(0));
        } catch (MalformedPayloadException e) {
            return failed(pending, detail, "endpoint " + pending.endpoint() + " answered what inferbus cannot read: " + e.getMessage(), now);
        }
        String json = codec.toJson(output);
        if (!LargeOutputs.tooLarge(json)) {
            return rows.completed(origin(pending, detail), output, null, inferenceMs, now);
        }
        try {
            String ref = largeOutputs.store(pending.key(), json).join();
            return rows.completed(origin(pending, detail), null, ref, inferenceMs, now);
        } catch (CompletionException e) {
            return null;
        }
    }

    private ResultRow failed(PendingRow pending, InferenceRequested detail, String message, long now) {
        return rows.failed(pending.key(), new Rejection(pending.key(), pending.model(), ErrorCode.MODEL_ERROR, message),
                origin(pending, detail), now);
    }

    /** The final row ends the request the PENDING row holds: same fingerprint, same times and ids. */
    private static RowOrigin origin(PendingRow pending, InferenceRequested detail) {
        return new RowOrigin(detail, pending.fingerprint(), pending.eventId(), pending.createdAtMillis(), pending.version(),
                pending.tier());
    }

    /** Reads the endpoint's output; only from this stack's bucket, whatever a notification claims. */
    private byte[] readOutput(String location) {
        URI uri = s3Uri(location, "responseParameters.outputLocation");
        return s3.getObject(b -> b.bucket(uri.getHost()).key(uri.getPath().substring(1)), AsyncResponseTransformer.toBytes())
                .join().asByteArray();
    }

    private String requestIdOf(String inputLocation) {
        String path = s3Uri(inputLocation, "requestParameters.inputLocation").getPath().substring(1);
        if (!path.startsWith(EndpointForwarder.ASYNC_INPUT_PREFIX) || !path.endsWith(".json")) {
            throw new IllegalArgumentException("requestParameters.inputLocation: not an inferbus asynchronous input: " + inputLocation);
        }
        return path.substring(EndpointForwarder.ASYNC_INPUT_PREFIX.length(), path.length() - ".json".length());
    }

    private URI s3Uri(String location, String field) {
        URI uri;
        try {
            uri = location == null ? null : URI.create(location);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || !"s3".equals(uri.getScheme()) || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new IllegalArgumentException(field + ": expected an s3:// URI, got " + location);
        }
        if (!bucket.equals(uri.getHost())) {
            throw new IllegalArgumentException(field + ": bucket '" + uri.getHost() + "' is not this stack's bucket '" + bucket + "'");
        }
        return uri;
    }

    /** The endpoint's own time on the request: from its receipt to its notification. */
    /** A time of SageMaker's notification, null where it is missing or unreadable: it only places trace stages. */
    private static Instant instant(JsonNode message, String field) {
        try {
            return message.hasNonNull(field) ? Instant.parse(message.get(field).asText()) : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static double inferenceMillis(JsonNode message) {
        try {
            Instant received = Instant.parse(message.path("receivedTime").asText());
            Instant done = Instant.parse(message.path("eventTime").asText());
            return Math.max(0, Duration.between(received, done).toNanos() / 1e6);
        } catch (DateTimeParseException e) {
            return 0;
        }
    }
}
