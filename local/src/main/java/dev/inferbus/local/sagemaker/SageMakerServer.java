package dev.inferbus.local.sagemaker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.inferbus.events.catalog.EndpointSpec;
import dev.inferbus.events.catalog.ModelSpec;
import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.functions.gpu.KserveV2Tensors;
import dev.inferbus.functions.gpu.MalformedPayloadException;
import dev.inferbus.functions.runtime.InvalidInputException;
import dev.inferbus.functions.gpu.WireFormat;
import dev.inferbus.functions.gpu.WireFormat.ContainerRequest;
import dev.inferbus.events.catalog.Task;
import dev.inferbus.functions.gpu.generation.GenerationFormat;
import dev.inferbus.local.emulators.Emulator;
import dev.inferbus.samples.generation.TextGenerator;
import dev.inferbus.local.emulators.HttpReplies;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * A SageMaker stand-in on loopback, serving the catalog's gpu endpoints (one per model version) with a local text
 * model. It speaks both faces of SageMaker:
 * <ul>
 *   <li>the runtime API that the SDK calls — {@code POST /endpoints/{name}/invocations} and
 *       {@code /endpoints/{name}/async-invocations} (input read from S3, output written to
 *       {@code s3://<bucket>/async-out/}, then the success or error notification that SageMaker publishes to
 *       SNS handed to a {@link Notifier}) — with SageMaker's error types;</li>
 *   <li>the container contract ({@code GET /ping}, {@code POST /invocations}), so the same server runs as a
 *       bring-your-own-container image (see {@code samples/Dockerfile}).</li>
 * </ul>
 * Each endpoint speaks its catalog wire format, and {@link #faults} makes it slow, throttle, fail or answer
 * garbage for tests.
 */
public final class SageMakerServer implements Emulator {

    private static final Logger LOG = LoggerFactory.getLogger(SageMakerServer.class);
    /** The prefix of asynchronous outputs in the output bucket. */
    public static final String ASYNC_OUTPUT_PREFIX = "async-out/";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Receives what SageMaker would publish to an async endpoint's success or error topic. */
    public interface Notifier {
        void notify(String endpoint, boolean success, String message);
    }

    /** What an endpoint's container serves, by its model's task. */
    public sealed interface EndpointModel permits TextModel, TensorModel {
    }

    /** What a text endpoint's container serves: a text model and the token count its limit is kept by. */
    public non-sealed interface TextModel extends EndpointModel {

        /** One vector per text, in order, from one call; a text over {@link #maxInputTokens()} is embedded cut to it. */
        List<float[]> embed(List<String> texts) throws Exception;

        /** The most tokens the model takes, special tokens included (TEI's {@code max_input_length}). */
        int maxInputTokens();

        /** The tokens of {@code text} before any cut, special tokens included, as TEI counts them. */
        int tokens(String text);

        /**
         * A model answering every text with {@code vector} at once, taking texts of any length: for what surrounds a
         * model (a forwarder's calls, their spans, a benchmark of the path), where what it computes is beside the point.
         */
        static TextModel constant(float[] vector) {
            float[] answer = vector.clone();
            return new TextModel() {
                @Override
                public List<float[]> embed(List<String> texts) {
                    return texts.stream().map(t -> answer).toList();
                }

                @Override
                public int maxInputTokens() {
                    return Integer.MAX_VALUE;
                }

                @Override
                public int tokens(String text) {
                    return 1;
                }
            };
        }
    }

    /** What a tensor endpoint's container (Triton) serves: a graph that checks and runs KServe v2 requests. */
    public non-sealed interface TensorModel extends EndpointModel {

        /**
         * The tensor task's output ({@code {outputs}}) for one inference request body.
         *
         * @throws InvalidInputException for tensors the graph does not take, naming the field
         */
        JsonNode infer(JsonNode request) throws Exception;
    }

    /**
     * An error answered by the model's container: its HTTP status and its body, which SageMaker hands back as
     * ModelError's OriginalStatusCode and OriginalMessage.
     */
    private record ContainerError(int status, String body) {

        /** The stand-in's own refusals, in the {@code {"error": …}} shape that TEI answers too. */
        static ContainerError of(int status, String message) {
            return new ContainerError(status, JSON.createObjectNode().put("error", message).toString());
        }
    }

    private final class Served {
        final EndpointSpec spec;
        final WireFormat format;
        final EndpointModel model;
        /** The generation container a text-generation endpoint runs instead of {@link #model}; null on the others. */
        final GenerationEndpoint generation;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final AtomicLong calls = new AtomicLong();
        final AtomicLong inputs = new AtomicLong();
        final AtomicLong throttled = new AtomicLong();
        final AtomicLong failed = new AtomicLong();

        Served(EndpointSpec spec, EndpointModel model) {
            this.spec = spec;
            this.format = WireFormat.of(spec);
            this.model = model;
            this.generation = null;
        }

        Served(EndpointSpec spec, TextGenerator generator) {
            this.spec = spec;
            this.format = null;
            this.model = null;
            this.generation = new GenerationEndpoint(GenerationFormat.of(spec), generator);
        }

        String contentType() {
            return generation != null ? generation.format.contentType() : format.contentType();
        }
    }

    private final HttpServer server;
    private final ExecutorService requests;
    private final ExecutorService asyncWork;
    private final Map<String, Served> endpoints = new LinkedHashMap<>();
    private final Function<String, AsyncStorage> storage;
    private final String outputBucket;
    private final Notifier notifier;
    private final String region;
    private final AtomicReference<Faults> faults = new AtomicReference<>(Faults.NONE);
    private final SplittableRandom random = new SplittableRandom(42);

    /**
     * Where an asynchronous endpoint reads its inputs and writes its outputs: S3 as the endpoint's execution role
     * (SageMaker uses the role the model names), outputs encrypted under the endpoint's {@code KmsKeyId} when it has
     * one ({@code AsyncInferenceConfig.OutputConfig.KmsKeyId},
     * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AsyncInferenceOutputConfig.html).
     */
    public record AsyncStorage(S3Client s3, Optional<String> kmsKeyId) {
    }

    private SageMakerServer(HttpServer server, Function<String, AsyncStorage> storage, String outputBucket, Notifier notifier,
                            String region) {
        this.server = server;
        this.storage = storage;
        this.outputBucket = outputBucket;
        this.notifier = notifier;
        this.region = region;
        this.requests = Executors.newFixedThreadPool(32, Thread.ofPlatform().name("sagemaker-", 0).daemon().factory());
        this.asyncWork = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("sagemaker-async-", 0).daemon().factory());
    }

    /**
     * @param models the gpu models to serve, each on its endpoint with the model {@code modelFor} gives it
     * @param address where to listen: loopback in the local cloud, every interface inside a container
     * @param storage each asynchronous endpoint's storage, by endpoint name; null when only real-time is served
     */
    public static SageMakerServer start(InetSocketAddress address, List<ModelSpec> models,
                                        Function<ModelSpec, ? extends EndpointModel> modelFor,
                                        Function<String, AsyncStorage> storage, String outputBucket, Notifier notifier,
                                        String region) throws IOException {
        return start(address, models, modelFor, model -> {
            throw new IllegalArgumentException("no text generator for " + model.id());
        }, storage, outputBucket, notifier, region);
    }

    /** @param generatorFor the generator each text-generation model's endpoint serves */
    public static SageMakerServer start(InetSocketAddress address, List<ModelSpec> models,
                                        Function<ModelSpec, ? extends EndpointModel> modelFor,
                                        Function<ModelSpec, TextGenerator> generatorFor, Function<String, AsyncStorage> storage,
                                        String outputBucket, Notifier notifier, String region) throws IOException {
        HttpServer http = HttpServer.create(address, 128);
        SageMakerServer sageMaker = new SageMakerServer(http, storage, outputBucket, notifier, region);
        for (ModelSpec model : models) {
            sageMaker.endpoints.put(model.endpoint().name(), model.task() == Task.TEXT_GENERATION
                    ? sageMaker.new Served(model.endpoint(), generatorFor.apply(model))
                    : sageMaker.new Served(model.endpoint(), modelFor.apply(model)));
        }
        http.createContext("/", sageMaker::handle);
        http.setExecutor(sageMaker.requests);
        http.start();
        return sageMaker;
    }

    public void faults(Faults faults) {
        this.faults.set(faults);
    }

    /** The endpoints served, one per gpu model version. */
    public List<String> endpointNames() {
        return List.copyOf(endpoints.keySet());
    }

    public Optional<EndpointStats> stats(String endpoint) {
        Served s = endpoints.get(endpoint);
        return s == null ? Optional.empty()
                : Optional.of(new EndpointStats(s.calls.get(), s.inputs.get(), s.maxInFlight.get(), s.throttled.get(), s.failed.get()));
    }

    /** Forgets what the endpoints saw so far, for a test that counts from zero. */
    public void resetStats() {
        for (Served s : endpoints.values()) {
            s.calls.set(0);
            s.inputs.set(0);
            s.maxInFlight.set(0);
            s.throttled.set(0);
            s.failed.set(0);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (path.equals("/ping") && method.equals("GET")) {
                reply(exchange, 200, "application/json", "{\"status\":\"healthy\"}".getBytes(StandardCharsets.UTF_8), Map.of());
                return;
            }
            if (path.equals("/invocations") && method.equals("POST") && !endpoints.isEmpty()) {
                // the container contract: this process is one model's container
                Served only = endpoints.values().iterator().next();
                if (only.generation != null) {
                    generate(exchange, only, true, false);
                } else {
                    invoke(exchange, only, true);
                }
                return;
            }
            String[] parts = path.split("/");
            if (parts.length == 4 && parts[1].equals("endpoints") && method.equals("POST")) {
                Served served = endpoints.get(parts[2]);
                if (served == null) {
                    error(exchange, 400, "ValidationError", "Endpoint " + parts[2] + " of account 000000000000 not found.");
                } else if (parts[3].equals("invocations") && served.generation != null) {
                    generate(exchange, served, false, false);
                } else if (parts[3].equals("invocations-response-stream") && served.generation != null) {
                    generate(exchange, served, false, true);
                } else if (parts[3].equals("invocations-response-stream")) {
                    // SageMaker refuses a stream from a container that does not stream
                    error(exchange, 400, "ValidationError", "Endpoint " + served.spec.name() + " does not support response streaming.");
                } else if (parts[3].equals("invocations")) {
                    invoke(exchange, served, false);
                } else if (parts[3].equals("async-invocations")) {
                    invokeAsync(exchange, served);
                } else {
                    error(exchange, 404, "UnknownOperationException", "unknown operation " + parts[3]);
                }
                return;
            }
            error(exchange, 404, "UnknownOperationException", method + " " + path + " is not a SageMaker runtime operation");
        }
    }

    /** @param asContainer answer errors as the container itself does; SageMaker wraps them as ModelError */
    private void invoke(HttpExchange exchange, Served served, boolean asContainer) throws IOException {
        enter(served);
        try {
            if (injectFault(exchange, served)) {
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (served.model instanceof TensorModel tensors) {
                infer(exchange, served, tensors, body, asContainer);
                return;
            }
            TextModel model = (TextModel) served.model;
            ContainerRequest request;
            try {
                request = served.format.readRequest(body);
            } catch (MalformedPayloadException e) {
                modelError(exchange, ContainerError.of(400, e.getMessage()), asContainer);
                return;
            }
            served.inputs.addAndGet(request.texts().size());
            Optional<ContainerError> overLimit = overTokenLimit(model, request);
            if (overLimit.isPresent()) {
                modelError(exchange, overLimit.get(), asContainer);
                return;
            }
            byte[] output;
            try {
                output = malformedNow() ? "{\"embeddings\": [".getBytes(StandardCharsets.UTF_8)
                        : served.format.writeResponse(model.embed(request.texts()));
            } catch (MalformedPayloadException e) {
                modelError(exchange, ContainerError.of(400, e.getMessage()), asContainer);
                return;
            } catch (Exception e) {
                modelError(exchange, ContainerError.of(500, "inference failed: " + e.getClass().getSimpleName()), asContainer);
                return;
            }
            reply(exchange, 200, served.format.contentType(), output, Map.of("x-Amzn-Invoked-Production-Variant", "AllTraffic"));
        } finally {
            served.inFlight.decrementAndGet();
        }
    }

    /**
     * A tensor endpoint's call, answered as Triton answers a KServe v2 inference request: the outputs, or 400 with
     * {@code {"error"}} for a body or tensors the model does not take (SageMaker hands that back as ModelError).
     */
    private void infer(HttpExchange exchange, Served served, TensorModel model, byte[] body, boolean asContainer)
            throws IOException {
        served.inputs.incrementAndGet();
        byte[] output;
        try {
            output = malformedNow() ? "{\"outputs\": [".getBytes(StandardCharsets.UTF_8)
                    : KserveV2Tensors.writeResponse(served.spec.name(), model.infer(WireFormat.parse(body, "the kserve-v2 request")));
        } catch (MalformedPayloadException | InvalidInputException e) {
            modelError(exchange, new ContainerError(KserveV2Tensors.REFUSED,
                    new String(KserveV2Tensors.error(e.getMessage()), StandardCharsets.UTF_8)), asContainer);
            return;
        } catch (Exception e) {
            modelError(exchange, ContainerError.of(500, "inference failed: " + e.getClass().getSimpleName()), asContainer);
            return;
        }
        reply(exchange, 200, KserveV2Tensors.contentType(), output, Map.of("x-Amzn-Invoked-Production-Variant", "AllTraffic"));
    }

    /**
     * A generation, whole or streamed. A container's refusal is its own answer, or as SageMaker wraps it (ModelError
     * 424, also before a response stream starts); streamed, the container's output goes out as PayloadParts, and the
     * malformed-output fault breaks the stream after its first token with ModelStreamError {@code StreamBroken}.
     *
     * @param responseStream called as {@code InvokeEndpointWithResponseStream}: eventstream framing
     */
    private void generate(HttpExchange exchange, Served served, boolean asContainer, boolean responseStream) throws IOException {
        enter(served);
        try {
            if (injectFault(exchange, served)) {
                return;
            }
            served.inputs.incrementAndGet();
            GenerationEndpoint.Refusable read = served.generation.read(exchange.getRequestBody().readAllBytes());
            if (read.refusal() != null) {
                modelError(exchange, new ContainerError(read.refusal().status(), read.refusal().body()), asContainer);
                return;
            }
            GenerationFormat format = served.generation.format;
            if (!read.call().stream()) {
                byte[] whole = format.writeResponse(served.generation.generate(read.call().request(), GenerationEndpoint.ignore()));
                if (!responseStream) {
                    reply(exchange, 200, format.contentType(), whole, Map.of("x-Amzn-Invoked-Production-Variant", "AllTraffic"));
                    return;
                }
                streamed(exchange, served, writer -> writer.parts(new String(whole, StandardCharsets.UTF_8)));
                return;
            }
            boolean broken = malformedNow();
            if (!responseStream) {
                StringBuilder sse = new StringBuilder();
                served.generation.generate(read.call().request(), (index, token, end) -> sse.append(format.writeEvents(index, token, end)));
                reply(exchange, 200, "text/event-stream", sse.toString().getBytes(StandardCharsets.UTF_8), Map.of());
                return;
            }
            streamed(exchange, served, writer -> {
                try {
                    served.generation.generate(read.call().request(), (index, token, end) -> {
                        try {
                            writer.parts(format.writeEvents(index, token, end));
                            if (broken && end == null) {
                                writer.modelStreamError("StreamBroken", "Your connection to the model was reset or closed.");
                                throw new StreamEnded();
                            }
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                } catch (StreamEnded e) {
                    served.failed.incrementAndGet();
                }
            });
        } finally {
            served.inFlight.decrementAndGet();
        }
    }

    /** Ends a generation whose stream was broken on purpose. */
    private static final class StreamEnded extends RuntimeException {
        StreamEnded() {
            super(null, null, false, false);
        }
    }

    private interface StreamBody {
        void write(ResponseStreamWriter writer) throws IOException;
    }

    /** A 200 whose body is an event stream, written as it is produced (chunked). */
    private void streamed(HttpExchange exchange, Served served, StreamBody body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", ResponseStreamWriter.CONTENT_TYPE);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.getResponseHeaders().set("X-Amzn-SageMaker-Content-Type", served.contentType());
        exchange.getResponseHeaders().set("x-Amzn-Invoked-Production-Variant", "AllTraffic");
        exchange.sendResponseHeaders(200, 0);
        try (java.io.OutputStream out = exchange.getResponseBody()) {
            long seed;
            synchronized (random) {
                seed = random.nextLong();
            }
            body.write(new ResponseStreamWriter(out, seed));
        }
    }

    private void invokeAsync(HttpExchange exchange, Served served) throws IOException {
        if (served.spec.mode() != EndpointSpec.Mode.ASYNC || storage == null) {
            error(exchange, 400, "ValidationError", "Endpoint " + served.spec.name() + " is not configured for asynchronous inference.");
            return;
        }
        served.calls.incrementAndGet();
        if (injectFault(exchange, served)) {
            return;
        }
        String input = exchange.getRequestHeaders().getFirst("X-Amzn-SageMaker-InputLocation");
        if (input == null || !input.startsWith("s3://")) {
            error(exchange, 400, "ValidationError", "InputLocation must be an s3:// URI, got " + input);
            return;
        }
        String id = Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Amzn-SageMaker-Inference-Id"))
                .orElse(UUID.randomUUID().toString());
        String output = "s3://" + outputBucket + "/" + ASYNC_OUTPUT_PREFIX + served.spec.name() + "/" + UUID.randomUUID() + ".out";
        String failure = "s3://" + outputBucket + "/async-failures/" + served.spec.name() + "/" + UUID.randomUUID() + "-error.out";
        Instant received = Instant.now();
        boolean malformed = malformedNow();
        asyncWork.execute(() -> runAsync(served, id, input, output, failure, received, malformed));
        reply(exchange, 202, "application/json", JSON.createObjectNode().put("InferenceId", id).toString().getBytes(StandardCharsets.UTF_8),
                Map.of("X-Amzn-SageMaker-OutputLocation", output, "X-Amzn-SageMaker-FailureLocation", failure));
    }

    private void runAsync(Served served, String id, String input, String output, String failure, Instant received, boolean malformed) {
        enter(served);
        ObjectNode message = JSON.createObjectNode().put("awsRegion", region).put("receivedTime", received.toString())
                .put("inferenceId", id).put("eventVersion", "1.0").put("eventSource", "aws:sagemaker").put("eventName", "InferenceResult");
        message.putObject("requestParameters").put("contentType", served.contentType())
                .put("endpointName", served.spec.name()).put("inputLocation", input);
        boolean success;
        AsyncStorage store = storage.apply(served.spec.name());
        try {
            URI in = URI.create(input);
            byte[] body = store.s3().getObjectAsBytes(b -> b.bucket(in.getHost()).key(in.getPath().substring(1))).asByteArray();
            if (served.generation != null) {
                success = generateAsync(served, store, body, message, output, failure);
            } else {
                ContainerRequest request = served.format.readRequest(body);
                served.inputs.addAndGet(request.texts().size());
                // asynchronous endpoints serve text models only (the catalog holds tensor endpoints to realtime)
                TextModel model = (TextModel) served.model;
                Optional<ContainerError> overLimit = overTokenLimit(model, request);
                if (overLimit.isPresent()) {
                    failAsync(store, message, failure, "ClientError: " + overLimit.get().body());
                    success = false;
                } else {
                    byte[] result = malformed ? "not json".getBytes(StandardCharsets.UTF_8)
                            : served.format.writeResponse(model.embed(request.texts()));
                    put(store, output, result);
                    message.putObject("responseParameters").put("contentType", served.format.contentType()).put("outputLocation", output);
                    success = true;
                }
            }
        } catch (Exception e) {
            failAsync(store, message, failure, (e instanceof MalformedPayloadException ? "ClientError: " : "ServerError: ") + e.getMessage());
            success = false;
        } finally {
            served.inFlight.decrementAndGet();
        }
        message.put("invocationStatus", success ? "Completed" : "Failed").put("eventTime", Instant.now().toString());
        try {
            notifier.notify(served.spec.name(), success, message.toString());
        } catch (RuntimeException e) {
            LOG.warn("notification of {} could not be delivered: {}", id, e.toString());
        }
    }

    /** An asynchronous generation: the whole response in the endpoint's format, or the container's refusal. */
    private boolean generateAsync(Served served, AsyncStorage store, byte[] body, ObjectNode message, String output, String failure) {
        served.inputs.incrementAndGet();
        GenerationEndpoint.Refusable read = served.generation.read(body);
        if (read.refusal() != null) {
            failAsync(store, message, failure, "ClientError: " + read.refusal().body());
            return false;
        }
        put(store, output, served.generation.format.writeResponse(
                served.generation.generate(read.call().request(), GenerationEndpoint.ignore())));
        message.putObject("responseParameters").put("contentType", served.contentType()).put("outputLocation", output);
        return true;
    }

    private void failAsync(AsyncStorage store, ObjectNode message, String failure, String reason) {
        put(store, failure, reason.getBytes(StandardCharsets.UTF_8));
        message.put("failureReason", reason);
        message.putObject("responseParameters").put("contentType", "text/plain").put("failureLocation", failure);
    }

    /**
     * TEI's router counts every text's tokens (special tokens included) before its model sees any, and refuses
     * the whole request when one is over the model's limit unless the request asks it to truncate. In
     * huggingface/text-embeddings-inference: {@code router/src/http/types.rs} ({@code EmbedRequest.truncate},
     * false unless the server runs with {@code --auto-truncate}), {@code core/src/tokenization.rs} ("Input
     * validation error: `inputs` must have less than {max} tokens. Given: {n}", a Validation error) and
     * {@code router/src/http/server.rs} (Validation → 413, body {@code {"error","error_type"}}). A truncating
     * request is left to the model, which cuts to the same limit.
     */
    private static Optional<ContainerError> overTokenLimit(TextModel model, ContainerRequest request) {
        if (request.truncate()) {
            return Optional.empty();
        }
        int max = model.maxInputTokens();
        return request.texts().stream().mapToInt(model::tokens).filter(n -> n > max).boxed().findFirst()
                .map(n -> new ContainerError(413, JSON.createObjectNode()
                        .put("error", "Input validation error: `inputs` must have less than " + max + " tokens. Given: " + n)
                        .put("error_type", "Validation").toString()));
    }

    private void put(AsyncStorage store, String location, byte[] bytes) {
        URI uri = URI.create(location);
        store.s3().putObject(b -> {
            b.bucket(uri.getHost()).key(uri.getPath().substring(1));
            store.kmsKeyId().ifPresent(key -> b.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(key));
        }, RequestBody.fromBytes(bytes));
    }

    private void enter(Served served) {
        if (served.spec.mode() == EndpointSpec.Mode.REALTIME) {
            served.calls.incrementAndGet();
        }
        int now = served.inFlight.incrementAndGet();
        served.maxInFlight.accumulateAndGet(now, Math::max);
    }

    /** Waits the injected latency, then answers a throttle or a 5xx when the dice say so; true when it answered. */
    private boolean injectFault(HttpExchange exchange, Served served) throws IOException {
        Faults f = faults.get();
        if (f.latencyMillis() > 0) {
            try {
                Thread.sleep(f.latencyMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        double dice;
        synchronized (random) {
            dice = random.nextDouble();
        }
        if (dice < f.throttleRate()) {
            served.throttled.incrementAndGet();
            error(exchange, 400, "ThrottlingException", "Rate exceeded");
            return true;
        }
        if (dice < f.throttleRate() + f.errorRate()) {
            served.failed.incrementAndGet();
            error(exchange, 503, "ServiceUnavailable", "The service is unavailable. Please try again later.");
            return true;
        }
        return false;
    }

    private boolean malformedNow() {
        Faults f = faults.get();
        if (f.malformedRate() == 0) {
            return false;
        }
        synchronized (random) {
            return random.nextDouble() < f.malformedRate();
        }
    }

    /**
     * The container's error, or SageMaker's answer when the container answered one. InvokeEndpoint answers a
     * container's 4xx or 5xx with ModelError, HTTP 424, whose OriginalStatusCode is the container's status and
     * OriginalMessage what the container answered (SageMaker Runtime API reference, InvokeEndpoint, Errors:
     * "Model (owned by the customer in the container) returned 4xx or 5xx error code"; botocore's ModelError
     * shape: "OriginalMessage – The error message that the model container returned").
     */
    private void modelError(HttpExchange exchange, ContainerError error, boolean asContainer) throws IOException {
        String original = error.body();
        if (asContainer) {
            reply(exchange, error.status(), "application/json", original.getBytes(StandardCharsets.UTF_8), Map.of());
            return;
        }
        boolean client = error.status() < 500;
        ObjectNode body = JSON.createObjectNode().put("ErrorCode", client ? "CLIENT_ERROR_FROM_MODEL" : "SERVER_ERROR_FROM_MODEL")
                .put("OriginalStatusCode", error.status()).put("OriginalMessage", original)
                .put("message", "Received " + (client ? "client" : "server") + " error (" + error.status()
                        + ") from primary with message \"" + original + "\".");
        reply(exchange, 424, "application/json", body.toString().getBytes(StandardCharsets.UTF_8), Map.of("x-amzn-ErrorType", "ModelError"));
    }

    private void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        reply(exchange, status, "application/json", JSON.createObjectNode().put("message", message).toString()
                .getBytes(StandardCharsets.UTF_8), Map.of("x-amzn-ErrorType", type));
    }

    private static void reply(HttpExchange exchange, int status, String contentType, byte[] body, Map<String, String> headers)
            throws IOException {
        HttpReplies.send(exchange, status, contentType, body, headers);
    }

    @Override
    public String service() {
        return "sagemaker";
    }

    @Override
    public URI endpoint() {
        return Emulator.loopback(server.getAddress().getPort());
    }

    /** The address the server is bound to, with its port. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        requests.shutdownNow();
        asyncWork.shutdownNow();
    }
}
