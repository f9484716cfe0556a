package dev.inferbus.local.sagemaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.contract.InferenceProgress;
import dev.inferbus.functions.batch.Outcome;
import dev.inferbus.functions.generation.GenerationRequest;
import dev.inferbus.functions.generation.Parameters;
import dev.inferbus.functions.gpu.generation.GenerationFormat;
import dev.inferbus.functions.gpu.generation.ProgressTracker;
import dev.inferbus.functions.gpu.generation.StreamedGeneration;
import dev.inferbus.samples.generation.TextGenerator;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointWithResponseStreamResponseHandler;

/**
 * The forwarder's streaming call against the local endpoint through the SDK's own eventstream decoding: the
 * stand-in cuts its output into parts of random sizes, so events and lines arrive split.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GenerationStreamTest {

    /**
     * Continues a prompt with its own words reversed, then ends: a generator whose output a test can predict. A
     * chat template's role cues ({@code user:}) are left out.
     */
    static final class ReversingGenerator implements TextGenerator {
        @Override
        public int countTokens(String text) {
            return text.isBlank() ? 0 : text.trim().split("\\s+").length;
        }

        @Override
        public Iterator<String> continuation(String prompt, Sampling sampling) {
            List<String> words = new ArrayList<>(Arrays.asList(prompt.trim().split("\\s+")));
            words.removeIf(w -> w.endsWith(":"));
            Collections.reverse(words);
            return words.stream().map(w -> " " + w).iterator();
        }
    }

    /** Moves 400 ms on every reading. */
    static final class Ticking extends Clock {
        long millis;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            millis += 400;
            return Instant.ofEpochMilli(millis);
        }
    }

    private SageMakerServer server;
    private SageMakerRuntimeAsyncClient sdk;
    private List<ModelSpec> models;

    @BeforeAll
    void start() throws Exception {
        models = CatalogLoader.parse("""
                bus: b
                models:
                  - {id: chat, task: text-generation, tier: gpu, trigger: sqs, endpoint: {name: chat, mode: realtime, format: openai-chat}}
                  - {id: story, task: text-generation, tier: gpu, trigger: sqs, endpoint: {name: story, mode: realtime, format: hf-tgi}}
                """, "test").models();
        server = SageMakerServer.start(new InetSocketAddress("127.0.0.1", 0), models, m -> null, m -> new ReversingGenerator(),
                null, null, (e, ok, m) -> { }, "us-east-1");
        sdk = SageMakerRuntimeAsyncClient.builder().endpointOverride(server.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCAL", "secret")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(DefaultRetryStrategy.doNotRetry())).build();
    }

    @AfterAll
    void stop() {
        try (SageMakerServer closing = server) {
            sdk.close();
        }
    }

    private static final String PROMPT = "one two three four five six seven eight nine ten eleven twelve";

    private Outcome stream(String endpoint, Parameters parameters, List<InferenceProgress> progress) {
        ModelSpec model = models.stream().filter(m -> m.endpoint().name().equals(endpoint)).findFirst().orElseThrow();
        GenerationFormat format = GenerationFormat.of(model.endpoint());
        ProgressTracker tracker = new ProgressTracker("req-1", model.id(), "1", null, e -> {
            progress.add(e);
            return CompletableFuture.completedFuture(null);
        }, new Ticking());
        return new StreamedGeneration(sdk).call(endpoint, format, format.request(new GenerationRequest(PROMPT, null, parameters), true),
                tracker, Duration.ofSeconds(30)).join();
    }

    @ParameterizedTest
    @ValueSource(strings = {"chat", "story"})
    void aStreamedGenerationArrivesWholeWithRealTokenCountsAndOrderedProgress(String endpoint) {
        List<InferenceProgress> progress = new ArrayList<>();
        Outcome outcome = stream(endpoint, new Parameters(8, 0, 1, List.of(), null), progress);

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Scored.class, scored -> {
            assertThat(scored.output().get("text").asText()).isEqualTo(" twelve eleven ten nine eight seven six five");
            assertThat(scored.output().get("finishReason").asText()).isEqualTo("length");
            assertThat(scored.output().at("/usage/completionTokens").asInt()).isEqualTo(8);
            // the openai-chat stand-in reads the prompt as the user's message: "user: … \nassistant:"
            assertThat(scored.output().at("/usage/promptTokens").asInt()).isEqualTo(endpoint.equals("chat") ? 14 : 12);
        });
        // every 400 ms a token, at most one event a second: tokens 1, 4, 7 (0-based 0, 3, 6)
        assertThat(progress).extracting(InferenceProgress::sequence).containsExactly(0L, 1L, 2L);
        assertThat(progress).extracting(InferenceProgress::tokensSoFar).containsExactly(1, 4, 7);
        assertThat(progress.get(2).text()).isEqualTo(" twelve eleven ten nine eight seven six");
    }

    /** SageMaker forwards the container's bytes as they come: parts need not end where lines or events do. */
    @Test
    void theStreamArrivesAsPayloadPartsThatSplitLines() {
        GenerationFormat format = GenerationFormat.of(models.get(0).endpoint());
        List<String> parts = new ArrayList<>();
        sdk.invokeEndpointWithResponseStream(b -> b.endpointName("chat").contentType("application/json")
                        .body(SdkBytes.fromByteArray(format.request(new GenerationRequest(PROMPT, null, new Parameters(8, 0, 1, List.of(), null)), true))),
                InvokeEndpointWithResponseStreamResponseHandler.builder().subscriber(InvokeEndpointWithResponseStreamResponseHandler.Visitor
                        .builder().onPayloadPart(p -> parts.add(p.bytes().asUtf8String())).build()).build()).join();

        String whole = String.join("", parts);
        assertThat(whole).startsWith("data: {").endsWith("data: [DONE]\n\n");
        assertThat(parts.size()).isGreaterThan(whole.split("\n\n").length);
        assertThat(parts).anyMatch(p -> !p.endsWith("\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"chat", "story"})
    void aStopSequenceEndsTheGenerationBeforeIt(String endpoint) {
        Outcome outcome = stream(endpoint, new Parameters(50, 0, 1, List.of(" nine"), null), new ArrayList<>());
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Scored.class, scored -> {
            assertThat(scored.output().get("text").asText()).isEqualTo(" twelve eleven ten");
            assertThat(scored.output().get("finishReason").asText()).isEqualTo("stop");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"chat", "story"})
    void aStreamBrokenAfterItsFirstTokenFailsWithSageMakersErrorCode(String endpoint) {
        List<InferenceProgress> progress = new ArrayList<>();
        Outcome outcome;
        server.faults(new Faults(0, 0, 0, 1));
        try {
            outcome = stream(endpoint, new Parameters(8, 0, 1, List.of(), null), progress);
        } finally {
            server.faults(Faults.NONE);
        }
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Failed.class, failed -> {
            assertThat(failed.code()).isEqualTo(ErrorCode.MODEL_ERROR);
            assertThat(failed.message()).contains("ModelStreamError StreamBroken");
        });
        assertThat(progress).extracting(InferenceProgress::text).containsExactly(" twelve");
    }

    @ParameterizedTest
    @ValueSource(strings = {"chat", "story"})
    void moreTokensThanTheContainersContextIsRefusedInItsWordsAsTheRequestsInvalidInput(String endpoint) {
        Outcome outcome = stream(endpoint, new Parameters(GenerationEndpoint.CONTEXT_TOKENS, 0, 1, List.of(), null), new ArrayList<>());
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Failed.class, failed -> assertThat(failed)
                .returns(ErrorCode.INVALID_INPUT, Outcome.Failed::code)
                .extracting(Outcome.Failed::message).asString().contains("answered " + (endpoint.equals("chat") ? "400" : "422"), endpoint.equals("chat") ? "This model's maximum context length is 2048 tokens"
                        : "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 2048"));
    }
}
