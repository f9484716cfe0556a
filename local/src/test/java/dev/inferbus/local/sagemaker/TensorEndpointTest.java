package dev.inferbus.local.sagemaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.huggingface.tokenizers.Encoding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.functions.batch.Outcome;
import dev.inferbus.functions.batch.ScoringRequest;
import dev.inferbus.functions.gpu.EndpointForwarder;
import dev.inferbus.functions.runtime.ArtifactSource;
import dev.inferbus.functions.runtime.ModelRuntime;
import dev.inferbus.functions.runtime.TextEmbeddingModel;
import dev.inferbus.functions.runtime.TextEmbeddings;
import dev.inferbus.local.cloud.AwsClients;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
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
 * The sample catalog's tensor model on the gpu tier (sentence-embedder-raw: MiniLM's graph behind a kserve-v2
 * endpoint), from the gpu forwarder through the SageMaker stand-in, whose container face runs the graph as Triton
 * would and refuses tensors the graph does not take as Triton does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TensorEndpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ENDPOINT = "inferbus-tensor-minilm";

    private ModelCatalog catalog;
    private ModelSpec raw;
    private OnnxTensorModels tensors;
    private ModelRuntime cpu;
    private SageMakerServer server;
    private SageMakerRuntimeClient sdk;
    private SageMakerRuntimeAsyncClient asyncSdk;
    private EndpointForwarder forwarder;

    @BeforeAll
    void start() throws Exception {
        catalog = CatalogLoader.loadClasspath();
        raw = catalog.find("sentence-embedder-raw").orElseThrow();
        tensors = OnnxTensorModels.load(List.of(raw), ArtifactSource.fromRoot("classpath:"));
        cpu = ModelRuntime.load(List.of(catalog.find("sentence-embedder").orElseThrow()), ArtifactSource.fromRoot("classpath:"));
        server = SageMakerServer.start(new InetSocketAddress("127.0.0.1", 0), List.of(raw), tensors::modelFor, null, null,
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
        cpu.close();
        tensors.close();
    }

    @Test
    void theRawGraphThroughTheEndpointPoolsToTheCpuTextEmbedding() throws Exception {
        TextEmbeddingModel text = (TextEmbeddingModel) cpu.models().iterator().next();
        String sentence = "The pump on line 7 vibrates more than last week.";
        Encoding tokens = text.tokenize(sentence);

        List<Outcome> outcomes = forwarder.score(List.of(new ScoringRequest(raw, tokens(tokens), "/detail/input")));

        assertThat(outcomes.get(0)).isInstanceOf(Outcome.Scored.class);
        JsonNode hidden = ((Outcome.Scored) outcomes.get(0)).output().get("outputs").get(0);
        int seq = tokens.getIds().length;
        assertThat(hidden.get("name").asText()).isEqualTo("last_hidden_state");
        assertThat(hidden.get("shape").toString()).isEqualTo("[1," + seq + ",384]");
        float[] pooled = meanPoolNormalize(hidden.get("data"), seq, 384);
        JsonNode embedding = text.predict(List.of(text.prepare(TextEmbeddings.input(sentence), "/input"))).get(0).get("embedding");
        for (int d = 0; d < 384; d++) {
            assertThat(pooled[d]).as("dim %d", d).isCloseTo(embedding.get(d).floatValue(), within(1e-5f));
        }
    }

    @Test
    void tensorsTheGraphDoesNotTakeAreRefusedAsTritonRefusesThem() throws Exception {
        ObjectNode input = tokens(List.of(101L, 7592L, 102L));
        ((ObjectNode) input.get("inputs").get(0)).put("datatype", "INT32");
        byte[] body = JSON.writeValueAsBytes(input);

        // the container's own face: 400 and KServe's {"error"}
        HttpResponse<String> container = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.endpoint() + "/invocations")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(container.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(container.body()).get("error").asText()).startsWith("/inputs/0/datatype: input 'input_ids' is INT64");

        // through SageMaker: ModelError carrying the container's status and body
        assertThatThrownBy(() -> sdk.invokeEndpoint(b -> b.endpointName(ENDPOINT).contentType("application/json")
                .body(SdkBytes.fromByteArray(body))))
                .isInstanceOfSatisfying(ModelErrorException.class, e -> {
                    assertThat(e.originalStatusCode()).isEqualTo(400);
                    assertThat(e.originalMessage()).contains("/inputs/0/datatype");
                });

        // and the forwarder fails that request's input, naming the field
        Outcome outcome = forwarder.score(List.of(new ScoringRequest(raw, input, "/detail/input"))).get(0);
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
            assertThat(f.code()).isEqualTo(ErrorCode.INVALID_INPUT);
            assertThat(f.message()).contains("/inputs/0/datatype");
        });
    }

    @Test
    void theForwarderRefusesABadBodyBeforeCallingTheEndpoint() {
        ObjectNode input = tokens(List.of(101L, 102L));
        ((ArrayNode) input.get("inputs").get(1).get("data")).remove(1);
        server.resetStats();

        Outcome outcome = forwarder.score(List.of(new ScoringRequest(raw, input, "/detail/input"))).get(0);

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
            assertThat(f.code()).isEqualTo(ErrorCode.INVALID_INPUT);
            assertThat(f.message()).startsWith("/detail/input/inputs/1/data:");
        });
        assertThat(server.stats(ENDPOINT).orElseThrow().calls()).isZero();
    }

    private static ObjectNode tokens(Encoding e) {
        ObjectNode input = tokens(java.util.Arrays.stream(e.getIds()).boxed().toList());
        ArrayNode mask = ((ObjectNode) input.get("inputs").get(1)).putArray("data");
        java.util.Arrays.stream(e.getAttentionMask()).forEach(mask::add);
        ArrayNode types = ((ObjectNode) input.get("inputs").get(2)).putArray("data");
        java.util.Arrays.stream(e.getTypeIds()).forEach(types::add);
        return input;
    }

    private static ObjectNode tokens(List<Long> ids) {
        ObjectNode input = JSON.createObjectNode();
        ArrayNode inputs = input.putArray("inputs");
        for (String name : List.of("input_ids", "attention_mask", "token_type_ids")) {
            ObjectNode t = inputs.addObject().put("name", name).put("datatype", "INT64");
            t.putArray("shape").add(1).add(ids.size());
            ArrayNode data = t.putArray("data");
            ids.forEach(id -> data.add(name.equals("input_ids") ? id : name.equals("attention_mask") ? 1 : 0));
        }
        return input;
    }

    private static float[] meanPoolNormalize(JsonNode flat, int seq, int dim) {
        float[] out = new float[dim];
        for (int t = 0; t < seq; t++) {
            for (int d = 0; d < dim; d++) {
                out[d] += flat.get(t * dim + d).floatValue();
            }
        }
        double norm = 0;
        for (int d = 0; d < dim; d++) {
            out[d] /= seq;
            norm += out[d] * out[d];
        }
        for (int d = 0; d < dim; d++) {
            out[d] /= (float) Math.sqrt(norm);
        }
        return out;
    }
}
