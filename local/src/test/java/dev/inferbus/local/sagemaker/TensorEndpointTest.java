package dev.inferbus.local.sagemaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.BatchSpec;
import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.FunctionSpec;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.catalog.Task;
import dev.inferbus.events.catalog.Tier;
import dev.inferbus.events.catalog.Trigger;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.samples.SampleEvents;
import dev.inferbus.functions.batch.Outcome;
import dev.inferbus.functions.batch.ScoringRequest;
import dev.inferbus.functions.runtime.ArtifactSource;
import dev.inferbus.functions.runtime.ModelRuntime;
import dev.inferbus.functions.runtime.TaskModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException;

/**
 * The sample catalog's tensor model on the gpu tier (sentence-embedder-raw: MiniLM's graph behind a kserve-v2
 * endpoint), from the gpu forwarder through the SageMaker stand-in, whose container face runs the graph as Triton
 * would and refuses tensors the graph does not take as Triton does. (That the raw graph's output pools to the
 * text-embedding task's embedding is TensorModelTest's.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TensorEndpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ENDPOINT = "inferbus-tensor-minilm";

    private ModelSpec raw;
    private OnnxTensorModels tensors;
    private ModelRuntime inProcess;
    private TaskModel<?> graph;
    private StandIn standIn;

    @BeforeAll
    void start() throws Exception {
        raw = CatalogLoader.loadClasspath().find("sentence-embedder-raw").orElseThrow();
        tensors = OnnxTensorModels.load(List.of(raw), ArtifactSource.fromRoot("classpath:"));
        // the same graph as a cpu tensor model, called in process
        ModelSpec cpu = new ModelSpec("minilm-in-process", "1", Task.TENSOR, Tier.CPU, Trigger.SQS, raw.endpoint().localArtifact(),
                new BatchSpec(1, 0, 1), null, raw.limits(), new FunctionSpec(1024, 30), 0);
        inProcess = ModelRuntime.load(List.of(cpu), ArtifactSource.fromRoot("classpath:"));
        graph = inProcess.model(cpu).orElseThrow();
        standIn = StandIn.start(List.of(raw), tensors::modelFor);
    }

    @AfterAll
    void stop() {
        standIn.close();
        inProcess.close();
        tensors.close();
    }

    @Test
    void theDemoSampleThroughTheEndpointAnswersWhatTheGraphAnswersInProcess() throws Exception {
        JsonNode input = sampleInput();

        List<Outcome> outcomes = standIn.forwarder().score(List.of(new ScoringRequest(raw, input, "/detail/input")));

        assertThat(outcomes.get(0)).isInstanceOfSatisfying(Outcome.Scored.class, s -> {
            JsonNode hidden = s.output().get("outputs").get(0);
            assertThat(hidden.get("name").asText()).isEqualTo("last_hidden_state");
            assertThat(hidden.get("shape").toString()).isEqualTo("[1,9,384]");
        });
        // as JSON: the in-process output holds floats, the endpoint's was read back from JSON text
        assertThat(JSON.readTree(((Outcome.Scored) outcomes.get(0)).output().toString()))
                .isEqualTo(JSON.readTree(inProcess(input).toString()));
    }

    @Test
    void tensorsTheGraphDoesNotTakeAreRefusedAsTritonRefusesThem() throws Exception {
        ObjectNode input = sampleInput();
        ((ObjectNode) input.get("inputs").get(0)).put("datatype", "INT32");
        byte[] body = JSON.writeValueAsBytes(input);

        // the container's own face: 400 and KServe's {"error"}
        HttpResponse<String> container = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(standIn.server().endpoint() + "/invocations")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(container.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(container.body()).get("error").asText()).startsWith("/inputs/0/datatype: input 'input_ids' is INT64");

        // through SageMaker: ModelError carrying the container's status and body
        assertThatThrownBy(() -> standIn.sdk().invokeEndpoint(b -> b.endpointName(ENDPOINT).contentType("application/json")
                .body(SdkBytes.fromByteArray(body))))
                .isInstanceOfSatisfying(ModelErrorException.class, e -> {
                    assertThat(e.originalStatusCode()).isEqualTo(400);
                    assertThat(e.originalMessage()).contains("/inputs/0/datatype");
                });

        // and the forwarder fails that request's input, naming the field
        Outcome outcome = standIn.forwarder().score(List.of(new ScoringRequest(raw, input, "/detail/input"))).get(0);
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
            assertThat(f.code()).isEqualTo(ErrorCode.INVALID_INPUT);
            assertThat(f.message()).contains("/inputs/0/datatype");
        });
    }

    @Test
    void theForwarderRefusesABadBodyBeforeCallingTheEndpoint() {
        ObjectNode input = sampleInput();
        ((ArrayNode) input.get("inputs").get(1).get("data")).remove(1);
        standIn.server().resetStats();

        Outcome outcome = standIn.forwarder().score(List.of(new ScoringRequest(raw, input, "/detail/input"))).get(0);

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
            assertThat(f.code()).isEqualTo(ErrorCode.INVALID_INPUT);
            assertThat(f.message()).startsWith("/detail/input/inputs/1/data:");
        });
        assertThat(standIn.server().stats(ENDPOINT).orElseThrow().calls()).isZero();
    }

    @SuppressWarnings("unchecked")
    private <P> JsonNode inProcess(JsonNode input) throws Exception {
        TaskModel<P> model = (TaskModel<P>) graph;
        return model.predict(List.of(model.prepare(input, "/detail/input"))).get(0);
    }

    /** The demo's tensor request to sentence-embedder-raw: "A cat sits on the mat." tokenized for MiniLM. */
    private static ObjectNode sampleInput() {
        return (ObjectNode) SampleEvents.valid().stream().filter(s -> "sentence-embedder-raw".equals(s.model())).findFirst()
                .orElseThrow().event().path("detail").path("input").deepCopy();
    }
}
