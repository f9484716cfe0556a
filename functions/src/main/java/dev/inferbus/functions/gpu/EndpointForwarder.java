package dev.inferbus.functions.gpu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.catalog.EndpointSpec;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.catalog.Task;
import dev.inferbus.functions.generation.GenerationRequest;
import dev.inferbus.functions.generation.TextGenerations;
import dev.inferbus.functions.gpu.generation.GenerationFormat;
import dev.inferbus.functions.gpu.generation.ProgressSink;
import dev.inferbus.functions.gpu.generation.ProgressTracker;
import dev.inferbus.functions.gpu.generation.StreamedGeneration;
import dev.inferbus.events.contract.Decoded;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.events.contract.InferenceRequested;
import dev.inferbus.functions.batch.Outcome;
import dev.inferbus.functions.batch.Scorer;
import dev.inferbus.functions.batch.ScoringRequest;
import dev.inferbus.events.results.PendingRow;
import dev.inferbus.events.results.ResultStore;
import dev.inferbus.events.timing.TimeBudgets;
import dev.inferbus.functions.budget.Deadline;
import dev.inferbus.functions.runtime.InvalidInputException;
import dev.inferbus.functions.tracing.InvocationTrace;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointAsyncResponse;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;

/**
 * The gpu tier's scorer: forwards checked inputs to the SageMaker endpoint of the version chosen for each
 * (a request's spec is that version's) instead of running them; one version's inputs never share a call with another's.
 *
 * <p>Real-time: a version's inputs travel {@code maxRequestBatch} to a call in the endpoint's wire format, at most
 * {@link EndpointSpec#callsPerInvocation()} calls in flight; each embedding of a response goes back to its
 * request, and a call the container refuses is split to fail only the texts it refuses (a tensor model's request
 * travels alone: the catalog holds its endpoint to one per call). What a call carries and what comes back is the
 * task's {@link TaskPayload}. Asynchronous: each request is first stored as a PENDING row (so that its completion always finds
 * it), its payload put to {@code s3://<bucket>/async-in/<requestId>.json}, and the endpoint invoked with that
 * input location; the completion handler ends the row.
 *
 * <p>Text generations go one to a call: streamed from a real-time endpoint ({@link StreamedGeneration}, with
 * {@code InferenceProgress} events on the way), or in the endpoint's format through the same asynchronous path.
 */
public final class EndpointForwarder implements Scorer {

    /** The S3 prefix of asynchronous inputs; a completion names its request by the key under it. */
    public static final String ASYNC_INPUT_PREFIX = "async-in/";
    /** SageMaker caps a caller-chosen InferenceId at 64 characters. */
    private static final int MAX_INFERENCE_ID = 64;

    private final SageMakerRuntimeAsyncClient sageMaker;
    private final S3AsyncClient s3;
    private final String bucket;
    private final ResultStore store;
    private final EventCodec codec;
    private final Clock clock;
    private final ProgressSink progress;
    private final StreamedGeneration streams;

    /** The least time worth giving an endpoint call; with less left, its requests go back for a retry. */
    private static final Duration MIN_CALL = Duration.ofSeconds(1);
    /**
     * Runs each version's dispatch, which waits for its endpoint's free slots: a virtual thread per version, so
     * that one endpoint's wait holds back no other's.
     */
    private static final Executor DISPATCH = task -> Thread.ofVirtual().name("endpoint-dispatch").start(task);

    public EndpointForwarder(SageMakerRuntimeAsyncClient sageMaker, S3AsyncClient s3, String bucket, ResultStore store,
                             EventCodec codec, Clock clock) {
        this(sageMaker, s3, bucket, store, codec, clock, ProgressSink.NONE);
    }

    private EndpointForwarder(SageMakerRuntimeAsyncClient sageMaker, S3AsyncClient s3, String bucket, ResultStore store,
                              EventCodec codec, Clock clock, ProgressSink progress) {
        this.progress = progress;
        this.streams = new StreamedGeneration(sageMaker);
        this.sageMaker = sageMaker;
        this.s3 = s3;
        this.bucket = bucket;
        this.store = store;
        this.codec = codec;
        this.clock = clock;
    }

    /** The same forwarder, announcing streamed generations' progress to {@code progress}. */
    public EndpointForwarder withProgress(ProgressSink progress) {
        return new EndpointForwarder(sageMaker, s3, bucket, store, codec, clock, progress);
    }

    /** The object key of a request's asynchronous input. */
    public static String asyncInputKey(String requestId) {
        return ASYNC_INPUT_PREFIX + requestId + ".json";
    }

    @Override
    public List<Outcome> score(List<ScoringRequest> requests) {
        return score(requests, Deadline.none());
    }

    /**
     * Each call gets what is left of the invocation after the report reserve, at most a whole SageMaker
     * invocation; a call that would get less than {@link #MIN_CALL} is not made, and its requests are retried.
     */
    @Override
    public List<Outcome> score(List<ScoringRequest> requests, Deadline deadline) {
        Outcome[] outcomes = new Outcome[requests.size()];
        // a spec stands for one version of its model, on that version's endpoint: each group calls one endpoint
        Map<ModelSpec, List<Integer>> byVersion = new LinkedHashMap<>();
        Map<Integer, GenerationRequest> generations = new HashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            ScoringRequest request = requests.get(i);
            try {
                if (request.model().task() == Task.TEXT_GENERATION) {
                    GenerationRequest generation = TextGenerations.request(request.input(), request.inputPointer(), request.model().limits());
                    GenerationFormat.of(request.model().endpoint()).check(generation, request.inputPointer());
                    generations.put(i, generation);
                } else {
                    TaskPayload.of(request.model()).check(request.input(), request.inputPointer(), request.model());
                }
                byVersion.computeIfAbsent(request.model(), k -> new ArrayList<>()).add(i);
            } catch (InvalidInputException e) {
                outcomes[i] = new Outcome.Failed(e.code(), e.getMessage());
            }
        }
        // each endpoint's calls are started beside the others': a batch takes its slowest version's rounds, which
        // is what the catalog sizes the function's timeout by, not the sum of every version's
        List<CompletableFuture<Void>> versions = new ArrayList<>();
        byVersion.forEach((version, indices) -> versions.add(CompletableFuture
                // the dispatch threads carry the invocation's trace context, where each endpoint call's span finds its records
                .supplyAsync(() -> forward(version, indices, requests, generations, outcomes, deadline), Context.current().wrap(DISPATCH))
                .thenCompose(calls -> calls)));
        CompletableFuture.allOf(versions.toArray(CompletableFuture[]::new)).join();
        return List.of(outcomes);
    }

    /** Starts the calls of one version's requests, as its endpoint's slots free up; completes when they all end. */
    private CompletableFuture<Void> forward(ModelSpec version, List<Integer> indices, List<ScoringRequest> requests,
                                            Map<Integer, GenerationRequest> generations, Outcome[] outcomes, Deadline deadline) {
        EndpointSpec endpoint = version.endpoint();
        Semaphore inFlight = new Semaphore(endpoint.callsPerInvocation());
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        if (version.task() == Task.TEXT_GENERATION) {
            // one generation per call, streamed from a real-time endpoint, or queued on an asynchronous one
            GenerationFormat format = GenerationFormat.of(endpoint);
            for (int i : indices) {
                GenerationRequest generation = generations.get(i);
                boolean realtime = endpoint.mode() == EndpointSpec.Mode.REALTIME;
                byte[] body = format.request(generation, realtime);
                calls.add(limited(inFlight, () -> withinDeadline(deadline, List.of(i), outcomes, timeout -> (realtime
                        ? streams.call(endpoint.name(), format, body, progressOf(version, requests.get(i)), timeout)
                        : submit(version, requests.get(i), body, format.contentType(), timeout))
                        .thenAccept(outcome -> outcomes[i] = outcome))));
            }
        } else if (endpoint.mode() == EndpointSpec.Mode.REALTIME) {
            for (int from = 0; from < indices.size(); from += endpoint.maxRequestBatch()) {
                List<Integer> chunk = indices.subList(from, Math.min(from + endpoint.maxRequestBatch(), indices.size()));
                calls.add(limited(inFlight, () -> invoke(endpoint, chunk, requests, outcomes, new AtomicInteger(chunk.size()), deadline)));
            }
        } else {
            TaskPayload payload = TaskPayload.of(version);
            for (int i : indices) {
                byte[] body = payload.request(List.of(requests.get(i).input()));
                calls.add(limited(inFlight, () -> withinDeadline(deadline, List.of(i), outcomes,
                        timeout -> submit(version, requests.get(i), body, payload.contentType(), timeout)
                                .thenAccept(outcome -> outcomes[i] = outcome))));
            }
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new));
    }

    /** Starts a call once one of the endpoint's slots is free; frees it when the call ends, however it ends. */
    private static CompletableFuture<Void> limited(Semaphore inFlight, Supplier<CompletableFuture<Void>> call) {
        inFlight.acquireUninterruptibly();
        CompletableFuture<Void> started;
        try {
            started = call.get();
        } catch (RuntimeException e) {
            inFlight.release();
            throw e;
        }
        return started.whenComplete((v, e) -> inFlight.release());
    }

    /** Starts {@code call} with the time the deadline leaves it, or answers Retry for its requests when too little is left. */
    private static CompletableFuture<Void> withinDeadline(Deadline deadline, List<Integer> indices, Outcome[] outcomes,
                                                          Function<Duration, CompletableFuture<Void>> call) {
        Duration left = deadline.remaining().minus(TimeBudgets.REPORT_RESERVE);
        if (left.compareTo(MIN_CALL) < 0) {
            Outcome retry = new Outcome.Retry("too little of the invocation left for an endpoint call");
            indices.forEach(i -> outcomes[i] = retry);
            return CompletableFuture.completedFuture(null);
        }
        return call.apply(left.compareTo(TimeBudgets.ENDPOINT_INVOCATION) < 0 ? left : TimeBudgets.ENDPOINT_INVOCATION);
    }

    /**
     * One call for the texts of {@code chunk}. A container that refuses a call of several texts with a 4xx may
     * take most of them (TEI refuses them all for one over its token limit), so the call is halved, the halves
     * called one after the other within the chunk's slot, until the texts refused on their own are found: those
     * fail, the rest complete. Each split costs two calls of {@code splitCalls}, which starts at the chunk's size:
     * a chunk never takes more than one call beyond sending its texts one by one, and texts still refused
     * together when it runs out fail together. Every call, a split's included, gets what the deadline leaves.
     */
    private CompletableFuture<Void> invoke(EndpointSpec endpoint, List<Integer> chunk, List<ScoringRequest> requests,
                                           Outcome[] outcomes, AtomicInteger splitCalls, Deadline deadline) {
        return withinDeadline(deadline, chunk, outcomes, callTimeout -> call(endpoint, chunk, requests, outcomes, splitCalls, deadline,
                callTimeout));
    }

    private CompletableFuture<Void> call(EndpointSpec endpoint, List<Integer> chunk, List<ScoringRequest> requests,
                                         Outcome[] outcomes, AtomicInteger splitCalls, Deadline deadline, Duration callTimeout) {
        // a chunk holds one version's requests: one task, one endpoint
        TaskPayload payload = TaskPayload.of(requests.get(chunk.get(0)).model());
        List<JsonNode> inputs = chunk.stream().map(i -> requests.get(i).input()).toList();
        // a split's calls start from the SDK's threads: they carry the invocation's context on
        Context context = Context.current();
        Span span = InvocationTrace.current().batch("endpoint call " + endpoint.name(),
                chunk.stream().map(i -> requests.get(i).requestId()).toList());
        long start = System.nanoTime();
        CompletableFuture<InvokeEndpointResponse> invoked;
        // the SDK call's own span is a child of this one
        try (Scope calling = span.makeCurrent()) {
            invoked = sageMaker.invokeEndpoint(b -> b.endpointName(endpoint.name())
                    .contentType(payload.contentType()).accept(payload.contentType())
                    .body(SdkBytes.fromByteArray(payload.request(inputs)))
                    .overrideConfiguration(o -> o.apiCallTimeout(callTimeout)));
        }
        return invoked
                .handle((response, error) -> {
                    double millis = (System.nanoTime() - start) / 1e6;
                    span.end();
                    if (error != null) {
                        if (chunk.size() > 1 && EndpointFailures.refusedByContainer(error) && splitCalls.addAndGet(-2) >= 0) {
                            List<Integer> first = chunk.subList(0, chunk.size() / 2);
                            List<Integer> second = chunk.subList(chunk.size() / 2, chunk.size());
                            try (Scope scope = context.makeCurrent()) {
                                return invoke(endpoint, first, requests, outcomes, splitCalls, deadline)
                                        .thenCompose(context.wrapFunction(
                                                (Void v) -> invoke(endpoint, second, requests, outcomes, splitCalls, deadline)));
                            }
                        }
                        Outcome failure = chunk.size() == 1 ? payload.single(error, endpoint.name())
                                : EndpointFailures.classify(error, endpoint.name());
                        chunk.forEach(i -> outcomes[i] = failure);
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    try {
                        List<JsonNode> outputs = payload.outputs(response.body().asByteArray(), chunk.size());
                        for (int k = 0; k < chunk.size(); k++) {
                            outcomes[chunk.get(k)] = new Outcome.Scored(outputs.get(k), millis);
                        }
                    } catch (MalformedPayloadException e) {
                        Outcome failure = new Outcome.Failed(ErrorCode.MODEL_ERROR,
                                "endpoint " + endpoint.name() + " answered what inferbus cannot read: " + e.getMessage());
                        chunk.forEach(i -> outcomes[i] = failure);
                    }
                    return CompletableFuture.<Void>completedFuture(null);
                })
                .thenCompose(next -> next);
    }

    /** The progress of one streamed request, announced under its model and the version that serves it. */
    private ProgressTracker progressOf(ModelSpec version, ScoringRequest request) {
        String requestId = request.requestId();
        String traceparent = request.request() == null ? null : traceparentOf(request.request().detail());
        return new ProgressTracker(requestId, version.id(), version.version(), traceparent, progress, clock);
    }

    /** The traceparent of this function's span of the request, else the one the request came with. */
    private static String traceparentOf(InferenceRequested detail) {
        String ours = detail.requestId() == null ? null : InvocationTrace.current().traceparentOf(detail.requestId());
        return ours != null ? ours : detail.traceparent();
    }

    /** @param body the request in the endpoint's format, put to S3 as the invocation's input */
    private CompletableFuture<Outcome> submit(ModelSpec model, ScoringRequest request, byte[] body, String contentType,
                                              Duration callTimeout) {
        Decoded.Request decoded = request.request();
        if (decoded == null) {
            throw new IllegalArgumentException("an asynchronous endpoint needs the request's event to keep a PENDING row");
        }
        InferenceRequested detail = decoded.detail();
        EndpointSpec endpoint = model.endpoint();
        long now = clock.millis();
        // the request without its input: what the completion needs to announce the result, and the traceparent of this
        // function's span of it, which the completion continues
        String context = codec.toJson(new InferenceRequested(detail.requestId(), detail.model(), model.version(), null, null,
                detail.partitionKey(), detail.attributes(), traceparentOf(detail)));
        PendingRow pending = new PendingRow(detail.requestId(), model.id(), model.version(), model.tier().wireName(),
                decoded.fingerprint(), endpoint.name(), context, decoded.eventId(),
                decoded.eventTime() != null ? decoded.eventTime().toEpochMilli() : now, null, null);
        String key = asyncInputKey(detail.requestId());
        // each next call starts on the thread that ended the last: it carries this context on, for its span's parent
        Context calling = Context.current();
        return store.putPending(pending, now).thenCompose(calling.wrapFunction(write -> {
            switch (write) {
                case DUPLICATE -> {
                    return CompletableFuture.<Outcome>completedFuture(new Outcome.Ended());
                }
                // another request's input object stays as it is: nothing is put, nothing invoked
                case CONFLICT -> {
                    return CompletableFuture.<Outcome>completedFuture(new Outcome.Conflict());
                }
                case WRITTEN -> {
                }
            }
            return s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), AsyncRequestBody.fromBytes(body))
                    .thenCompose(calling.wrapFunction(put -> sageMaker.invokeEndpointAsync(b -> {
                        b.endpointName(endpoint.name()).inputLocation("s3://" + bucket + "/" + key)
                                .contentType(contentType).accept(contentType)
                                .overrideConfiguration(o -> o.apiCallTimeout(callTimeout));
                        if (detail.requestId().length() <= MAX_INFERENCE_ID) {
                            b.inferenceId(detail.requestId());
                        }
                    }).handle(calling.wrapFunction((InvokeEndpointAsyncResponse invoked, Throwable error) -> error != null
                            ? CompletableFuture.completedFuture(EndpointFailures.classify(error, endpoint.name()))
                            : store.recordInvocation(detail.requestId(), invoked.inferenceId(), invoked.outputLocation())
                                    .<Outcome>thenApply(v -> new Outcome.Submitted(invoked.inferenceId(), invoked.outputLocation()))))
                    .thenCompose(outcome -> outcome)));
        })).exceptionally(error -> new Outcome.Retry("storing the asynchronous request failed: " + error));
    }
}
