package dev.inferbus.local.sagemaker;

import dev.inferbus.events.timing.TimeBudgets;
import dev.inferbus.functions.budget.Deadline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.catalog.Task;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.functions.batch.Outcome;
import dev.inferbus.functions.batch.ScoringRequest;
import dev.inferbus.functions.gpu.EndpointForwarder;
import dev.inferbus.functions.runtime.ArtifactSource;
import dev.inferbus.functions.runtime.TextEmbeddings;
import dev.inferbus.local.cloud.AwsClients;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException;

/**
 * TEI's token limit, from the local hf-tei endpoint (the sample bge model and its own tokenizer) to the gpu
 * forwarder that calls it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TeiTokenLimitTest {

    /** 10,000 characters: about 2,000 bge tokens, four times the model's 512. */
    private static final String LONG_TEXT = "The quarterly report covers revenue, costs, hiring and the outlook for next year. "
            .repeat(130).substring(0, 10_000);
    private static final ObjectMapper JSON = new ObjectMapper();

    private OnnxTextModels models;
    private SageMakerServer server;
    private SageMakerRuntimeClient sdk;
    private SageMakerRuntimeAsyncClient asyncSdk;
    private EndpointForwarder forwarder;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        List<ModelSpec> gpu = CatalogLoader.loadClasspath().models().stream()
                .filter(m -> m.endpoint() != null && m.task() == Task.TEXT_EMBEDDING).toList();
        models = OnnxTextModels.load(gpu, ArtifactSource.fromRoot("classpath:"));
        server = SageMakerServer.start(new InetSocketAddress("127.0.0.1", 0), gpu, models::modelFor, null, null,
                (e, ok, m) -> { }, "us-east-1");
        sdk = AwsClients.configure(SageMakerRuntimeClient.builder(), server.endpoint())
                .overrideConfiguration(o -> o.retryStrategy(software.amazon.awssdk.retries.DefaultRetryStrategy.doNotRetry())).build();
        asyncSdk = SageMakerRuntimeAsyncClient.builder().endpointOverride(server.endpoint()).region(Region.of(AwsClients.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build();
        // real-time calls only: no S3, bucket or result store is reached
        forwarder = new EndpointForwarder(asyncSdk, null, null, null, EventCodec.create(), Clock.systemUTC());
    }

    @AfterAll
    void stop() {
        asyncSdk.close();
        sdk.close();
        server.close();
        models.close();
    }

    @Test
    void withoutTruncateOneOverLongTextFailsTheWholeCallAsSageMakersModelError() {
        for (String body : List.of(request(null), request(false))) {
            assertThatThrownBy(() -> invoke(body)).isInstanceOfSatisfying(ModelErrorException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(424);
                assertThat(e.originalStatusCode()).isEqualTo(413);
                JsonNode tei = read(e.originalMessage());
                assertThat(tei.path("error").asText()).matches("Input validation error: `inputs` must have less than 512 tokens\\. Given: \\d{4}");
                assertThat(tei.path("error_type").asText()).isEqualTo("Validation");
            });
        }
    }

    @Test
    void withTruncateTheTextIsCutToTheLimitAndEmbedded() {
        JsonNode rows = read(invoke(request(true)));

        assertThat(rows).hasSize(2);
        assertThat(rows.get(1)).hasSize(384);
    }

    @Test
    void theContainerItselfAnswersTeisStatusAndBody() throws Exception {
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(server.endpoint().resolve("/invocations"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(request(null))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(read(refused.body()).path("error_type").asText()).isEqualTo("Validation");
    }

    @Test
    void theDefaultCatalogEmbedsAnOverLongTextWithItsNeighbours() {
        ModelSpec model = CatalogLoader.loadClasspath().find("document-embedder").orElseThrow();

        List<Outcome> outcomes = forwarder.score(requests(model, List.of("a short text", LONG_TEXT, "another short text")));

        assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOfSatisfying(Outcome.Scored.class,
                s -> assertThat(s.output().path("dim").asInt()).isEqualTo(384)));
    }

    /**
     * A call may take a whole SageMaker invocation (60 s); with less than the report reserve and a minimal call
     * left of the function's time, none starts: its records go back, rather than time out mid-batch with the
     * function and be redelivered whole.
     */
    @Test
    void withTooLittleOfTheInvocationLeftNoEndpointCallStarts() {
        ModelSpec model = CatalogLoader.loadClasspath().find("document-embedder").orElseThrow();
        server.resetStats();
        Deadline almostOver = Deadline.after(TimeBudgets.REPORT_RESERVE.toMillis() + 500, Clock.systemUTC());

        List<Outcome> outcomes = forwarder.score(requests(model, List.of("one text", "another text")), almostOver);

        assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Retry.class));
        assertThat(server.stats("inferbus-embed").map(st -> st.calls()).orElse(0L)).isZero();
    }

    @Test
    void withoutTruncateOnlyTheOverLongTextFailsAndItsNeighboursComplete() {
        List<String> texts = IntStream.range(0, 16).mapToObj(i -> i == 5 ? LONG_TEXT : "short text number " + i).toList();
        server.resetStats();

        List<Outcome> outcomes = forwarder.score(requests(refusingModel(), texts));

        assertThat(outcomes.get(5)).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
            assertThat(f.code()).isEqualTo(ErrorCode.INPUT_TOO_LARGE);
            assertThat(f.message()).isEqualTo("endpoint inferbus-embed: the model's container answered 413: "
                    + "Input validation error: `inputs` must have less than 512 tokens. Given: 1953");
        });
        for (int i = 0; i < texts.size(); i++) {
            if (i != 5) {
                assertThat(outcomes.get(i)).as("text %d", i).isInstanceOf(Outcome.Scored.class);
            }
        }
        // halving 16 texts finds one refused text in 4 splits of 2 calls each
        assertThat(server.stats("inferbus-embed").orElseThrow().calls()).isEqualTo(1 + 2 * 4);
    }

    @Test
    void anEndpointRefusingEveryTextCostsAtMostOneCallMoreThanSendingThemOneByOne() {
        List<String> texts = IntStream.range(0, 16).mapToObj(i -> LONG_TEXT).toList();
        server.resetStats();

        List<Outcome> outcomes = forwarder.score(requests(refusingModel(), texts));

        assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOfSatisfying(Outcome.Failed.class,
                f -> assertThat(f.message()).contains("must have less than 512 tokens").doesNotContain("quarterly")));
        assertThat(server.stats("inferbus-embed").orElseThrow().calls()).isLessThanOrEqualTo(1 + texts.size());
    }

    /** The sample's real-time endpoint, with TEI's truncate off. */
    private static ModelSpec refusingModel() {
        return CatalogLoader.parse("""
                bus: inferbus
                models:
                  - id: strict-embedder
                    task: text-embedding
                    tier: gpu
                    trigger: sqs
                    endpoint: {name: inferbus-embed, mode: realtime, format: hf-tei, maxRequestBatch: 16, truncate: false}
                """, "strict.yaml").find("strict-embedder").orElseThrow();
    }

    private static List<ScoringRequest> requests(ModelSpec model, List<String> texts) {
        return texts.stream().map(t -> new ScoringRequest(model, TextEmbeddings.input(t), "/detail/input")).toList();
    }

    private String invoke(String body) {
        return sdk.invokeEndpoint(b -> b.endpointName("inferbus-embed").contentType("application/json")
                .body(SdkBytes.fromUtf8String(body))).body().asUtf8String();
    }

    private static String request(Boolean truncate) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("inputs").add("a short text").add(LONG_TEXT);
        if (truncate != null) {
            body.put("truncate", truncate);
        }
        return body.toString();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError(json, e);
        }
    }
}
