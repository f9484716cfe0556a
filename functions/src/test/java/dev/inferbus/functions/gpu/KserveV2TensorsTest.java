package dev.inferbus.functions.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.events.catalog.InputLimits;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.functions.batch.Outcome;
import dev.inferbus.functions.runtime.InvalidInputException;
import dev.inferbus.functions.tensor.TensorRequest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException;

/** Both faces of the tensor task over KServe v2: what the forwarder sends and reads, what the container reads and answers. */
class KserveV2TensorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theForwarderSendsTheInputAsTheInferenceRequestAndTheContainerReadsItBack() throws Exception {
        JsonNode input = JSON.readTree("""
                {"inputs":[{"name":"ids","shape":[1,3],"datatype":"INT64","data":[[101,7592,102]]},
                           {"name":"mask","shape":[1,3],"datatype":"BOOL","data":[true,true,false]}],
                 "outputs":[{"name":"hidden"}]}""");

        byte[] body = KserveV2Tensors.request(input);
        TensorRequest read = KserveV2Tensors.readRequest(body, InputLimits.DEFAULT);

        assertThat(JSON.readTree(body).get("inputs")).isEqualTo(input.get("inputs"));
        assertThat(JSON.readTree(body).get("outputs")).isEqualTo(input.get("outputs"));
        assertThat(read.outputs()).containsExactly("hidden");
        assertThat(read.inputs().get(0).shape()).containsExactly(1, 3);
        // nested data arrives flat, as KServe writes it
        assertThat(read.toJson().get("inputs").get(0).get("data").toString()).isEqualTo("[101,7592,102]");
        assertThat(read.toJson().get("inputs").get(1).get("data").toString()).isEqualTo("[true,true,false]");
    }

    @Test
    void theContainersResponseReadsBackAsTheTaskOutput() throws Exception {
        JsonNode output = JSON.readTree("""
                {"outputs":[{"name":"score","datatype":"FP32","shape":[2,1],"data":[0.25,0.5]}]}""");

        JsonNode read = KserveV2Tensors.response(KserveV2Tensors.writeResponse("fraud", output));

        assertThat(read).isEqualTo(output);
        assertThat(JSON.readTree(KserveV2Tensors.writeResponse("fraud", output)).get("model_name").asText()).isEqualTo("fraud");
    }

    @Test
    void aResponseThatDoesNotHoldItsShapeIsRefused() {
        assertThatThrownBy(() -> KserveV2Tensors.response(bytes("{\"outputs\":[{\"name\":\"s\",\"datatype\":\"FP32\",\"shape\":[2,1],\"data\":[1]}]}")))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("outputs[0]").hasMessageContaining("needs 2 elements");
        assertThatThrownBy(() -> KserveV2Tensors.response(bytes("{\"outputs\":[{\"name\":\"s\",\"datatype\":\"FLOAT\",\"shape\":[1],\"data\":[1]}]}")))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("KServe datatype");
        assertThatThrownBy(() -> KserveV2Tensors.response(bytes("{\"error\":\"unexpected shape\"}")))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("'outputs'");
    }

    @Test
    void theContainerRefusesABodyNamingTheField() {
        assertThatThrownBy(() -> KserveV2Tensors.readRequest(bytes("""
                {"inputs":[{"name":"x","shape":[2],"datatype":"UINT8","data":[1,256]}]}"""), InputLimits.DEFAULT))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("/inputs/0/data/1:");
        assertThat(bytes(new String(KserveV2Tensors.error("/inputs/0/data/1: no"), StandardCharsets.UTF_8)))
                .isEqualTo(bytes("{\"error\":\"/inputs/0/data/1: no\"}"));
    }

    @Test
    void tritonsRefusalOfOneRequestsTensorsFailsThatRequestsInput() {
        ModelErrorException refused = (ModelErrorException) ModelErrorException.builder().statusCode(424).originalStatusCode(400)
                .originalMessage("{\"error\":\"unexpected shape for input 'x'\"}").build();
        ModelErrorException crashed = (ModelErrorException) ModelErrorException.builder().statusCode(424).originalStatusCode(500)
                .originalMessage("{\"error\":\"boom\"}").build();

        assertThat(new TaskPayload.Tensors().single(new CompletionException(refused), "e")).isEqualTo(new Outcome.Failed(
                ErrorCode.INVALID_INPUT, "endpoint e: the model's container answered 400: unexpected shape for input 'x'"));
        assertThat(new TaskPayload.Tensors().single(crashed, "e")).isInstanceOf(Outcome.Retry.class);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
