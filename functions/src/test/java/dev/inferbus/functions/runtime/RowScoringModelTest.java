package dev.inferbus.functions.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.samples.SampleEvents;
import dev.inferbus.samples.sensor.VibrationGenerator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowScoringModelTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @SuppressWarnings("unchecked")
    private final TaskModel<float[]> fraud = (TaskModel<float[]>) TestModels.model("fraud-scorer");
    @SuppressWarnings("unchecked")
    private final TaskModel<float[]> anomaly = (TaskModel<float[]>) TestModels.model("sensor-anomaly");

    @Test
    void fraudScorerLabelsTheSampleTransactions() throws Exception {
        JsonNode suspicious = score(fraud, sampleInput("fraud-scorer-suspicious-night-foreign"));
        JsonNode grocery = score(fraud, sampleInput("fraud-scorer-legit-grocery"));

        assertThat(suspicious.get("label").asText()).isEqualTo("fraud");
        assertThat(suspicious.get("score").asDouble()).isGreaterThan(0.9);
        assertThat(grocery.get("label").asText()).isEqualTo("legit");
        assertThat(grocery.get("score").asDouble()).isLessThan(0.05);
    }

    @Test
    void anomalousWindowsScoreAboveNormalOnesThroughDjl() throws Exception {
        VibrationGenerator generator = new VibrationGenerator(2024);
        List<float[]> normal = new ArrayList<>();
        List<float[]> faulty = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            normal.add(anomaly.prepare(readings(generator.normal()), "/input"));
            faulty.add(anomaly.prepare(readings(generator.anomalous()), "/input"));
        }
        List<JsonNode> normalOut = anomaly.predict(normal);
        List<JsonNode> faultyOut = anomaly.predict(faulty);

        double worstNormal = normalOut.stream().mapToDouble(o -> o.get("score").asDouble()).max().orElseThrow();
        double bestFaulty = faultyOut.stream().mapToDouble(o -> o.get("score").asDouble()).min().orElseThrow();
        assertThat(bestFaulty).isGreaterThan(worstNormal);
        assertThat(normalOut).noneMatch(o -> o.get("anomalous").asBoolean());
        assertThat(faultyOut).allMatch(o -> o.get("anomalous").asBoolean());
        assertThat(score(anomaly, sampleInput("sensor-anomaly-impact-pump-7")).get("anomalous").asBoolean()).isTrue();
        assertThat(score(anomaly, sampleInput("sensor-anomaly-normal-pump-9")).get("anomalous").asBoolean()).isFalse();
    }

    @Test
    void badTabularInputsNameTheirField() throws Exception {
        ObjectNode input = (ObjectNode) sampleInput("fraud-scorer-legit-grocery").deepCopy();
        ((ObjectNode) input.get("features")).put("amount", "lots");
        assertInvalid(fraud, input, "/detail/input/features/amount: expected a number, got a string of 4 characters");

        ((ObjectNode) input.get("features")).put("amount", 1e39);
        assertInvalid(fraud, input, "/detail/input/features/amount: expected a finite number within float range");

        ((ObjectNode) input.get("features")).put("amount", 1).put("colour", 3);
        assertInvalid(fraud, input, "/detail/input/features/colour: unknown feature");

        ((ObjectNode) input.get("features")).remove("colour");
        ((ObjectNode) input.get("features")).remove("online");
        assertInvalid(fraud, input, "/detail/input/features/online: required");

        assertInvalid(fraud, JSON.readTree("{\"features\":[1,2]}"), "/detail/input/features: expected an object");
        assertInvalid(fraud, JSON.readTree("{\"features\":{},\"extra\":1}"), "/detail/input/extra: unexpected field");
        assertInvalid(fraud, JSON.readTree("\"text\""), "/detail/input: expected an object");
    }

    @Test
    void badWindowsNameTheirField() throws Exception {
        assertInvalid(anomaly, JSON.readTree("{\"readings\":[1,2,3]}"), "/detail/input/readings: expected exactly 64 readings, got 3");
        ObjectNode input = readings(new VibrationGenerator(1).normal());
        ((com.fasterxml.jackson.databind.node.ArrayNode) input.get("readings")).set(5, JSON.getNodeFactory().textNode("x"));
        assertInvalid(anomaly, input, "/detail/input/readings/5: expected a number");
        assertInvalid(anomaly, JSON.readTree("{\"readings\":\"1,2\"}"), "/detail/input/readings: expected an array of 64 numbers");
    }

    private static JsonNode score(TaskModel<float[]> model, JsonNode input) throws Exception {
        return model.predict(List.of(model.prepare(input, "/detail/input"))).get(0);
    }

    private static void assertInvalid(TaskModel<float[]> model, JsonNode input, String messageStart) {
        assertThatThrownBy(() -> model.prepare(input, "/detail/input"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageStartingWith(messageStart);
    }

    static JsonNode sampleInput(String name) {
        return SampleEvents.valid().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow()
                .event().path("detail").path("input");
    }

    private static ObjectNode readings(double[] window) {
        ObjectNode input = JSON.createObjectNode();
        var array = input.putArray("readings");
        for (double v : window) {
            array.add(v);
        }
        return input;
    }
}
