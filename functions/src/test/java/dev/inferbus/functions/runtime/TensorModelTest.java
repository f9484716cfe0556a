package dev.inferbus.functions.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.huggingface.tokenizers.Encoding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.BatchSpec;
import dev.inferbus.events.catalog.FunctionSpec;
import dev.inferbus.events.catalog.InputLimits;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.catalog.Task;
import dev.inferbus.events.catalog.Tier;
import dev.inferbus.events.catalog.Trigger;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.samples.SampleEvents;
import dev.inferbus.functions.tensor.TensorRequest;
import dev.inferbus.samples.sensor.VibrationGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The tensor task on the cpu tier: the sample graphs called raw, checked against what each ONNX file declares, give
 * what their task paths give.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TensorModelTest {

    private static final String AT = "/detail/input";

    @SuppressWarnings("unchecked")
    private final TaskModel<TensorRequest> fraudRaw = (TaskModel<TensorRequest>) TestModels.model("fraud-scorer-raw");
    @SuppressWarnings("unchecked")
    private final TaskModel<TensorRequest> sensorRaw = (TaskModel<TensorRequest>) TestModels.model("sensor-anomaly-raw");
    private ModelRuntime minilm;
    private TaskModel<TensorRequest> minilmRaw;

    @BeforeAll
    @SuppressWarnings("unchecked")
    void loadMiniLmRaw() throws IOException {
        // the catalog serves MiniLM raw on the gpu tier; here its graph runs in process, as the stand-in runs it
        ModelSpec spec = new ModelSpec("sentence-embedder-raw", "1", Task.TENSOR, Tier.CPU, Trigger.SQS,
                "models/sentence-embedder/1/model.onnx", new BatchSpec(10, 1, 1), null, InputLimits.DEFAULT,
                new FunctionSpec(1024, 30), 0);
        minilm = ModelRuntime.load(List.of(spec), ArtifactSource.fromRoot("classpath:"));
        minilmRaw = (TaskModel<TensorRequest>) minilm.model(spec).orElseThrow();
    }

    @AfterAll
    void close() {
        minilm.close();
    }

    @Test
    void fraudGraphCalledRawScoresAsTabularClassification() throws Exception {
        TaskModel<?> tabular = TestModels.model("fraud-scorer");
        List<String> features = ModelSignature.read(ArtifactSource.fromRoot("classpath:")
                .fetch("models/fraud-scorer/1/signature.json")).features();
        for (String sample : List.of("fraud-scorer-legit-grocery", "fraud-scorer-online-moderate",
                "fraud-scorer-suspicious-night-foreign")) {
            JsonNode input = RowScoringModelTest.sampleInput(sample);
            ArrayNode row = JsonNodeFactory.instance.arrayNode();
            features.forEach(f -> row.add(input.get("features").get(f).floatValue()));
            JsonNode raw = only(fraudRaw, tensor("features", "FP32", List.of(1L, 8L), row));

            JsonNode score = raw.get("outputs").get(0);
            assertThat(score.get("name").asText()).isEqualTo("score");
            assertThat(score.get("datatype").asText()).isEqualTo("FP32");
            assertThat(score.get("shape")).containsExactly(JsonNodeFactory.instance.numberNode(1L),
                    JsonNodeFactory.instance.numberNode(1L));
            assertThat(score.get("data").get(0).floatValue()).as(sample)
                    .isEqualTo(scoreOf(tabular, input));
        }
    }

    @Test
    void sensorGraphCalledRawScoresAsAnomalyDetectionAndStacksRequests() throws Exception {
        TaskModel<?> anomaly = TestModels.model("sensor-anomaly");
        VibrationGenerator generator = new VibrationGenerator(7);
        List<double[]> windows = List.of(generator.normal(), generator.anomalous(), generator.normal());
        List<TensorRequest> requests = new ArrayList<>();
        for (double[] w : windows) {
            ArrayNode data = JsonNodeFactory.instance.arrayNode();
            for (double v : w) {
                data.add(v);
            }
            requests.add(sensorRaw.prepare(tensor("readings", "FP32", List.of(1L, 64L), data), AT));
        }
        // one stacked call of three requests
        List<JsonNode> raw = sensorRaw.predict(requests);
        for (int i = 0; i < windows.size(); i++) {
            ObjectNode input = JsonNodeFactory.instance.objectNode();
            ArrayNode readings = input.putArray("readings");
            for (double v : windows.get(i)) {
                readings.add(v);
            }
            JsonNode score = raw.get(i).get("outputs").get(0);
            assertThat(score.get("shape")).hasSize(2);
            assertThat(score.get("shape").get(0).asLong()).isEqualTo(1);
            assertThat(score.get("data").get(0).floatValue()).as("window " + i).isEqualTo(scoreOf(anomaly, input));
        }
    }

    @Test
    void stackedRequestsOfSeveralRowsGetTheirOwnRowsBack() throws Exception {
        TensorRequest one = fraudRaw.prepare(tensor("features", "FP32", List.of(1L, 8L), rows(1, 1f)), AT);
        TensorRequest three = fraudRaw.prepare(tensor("features", "FP32", List.of(3L, 8L), rows(3, 2f)), AT);
        TensorRequest two = fraudRaw.prepare(tensor("features", "FP32", List.of(2L, 8L), rows(2, 3f)), AT);

        List<JsonNode> stacked = fraudRaw.predict(List.of(one, three, two));

        assertThat(stacked.get(0)).isEqualTo(fraudRaw.predict(List.of(one)).get(0));
        assertThat(stacked.get(1)).isEqualTo(fraudRaw.predict(List.of(three)).get(0));
        assertThat(stacked.get(2)).isEqualTo(fraudRaw.predict(List.of(two)).get(0));
        assertThat(stacked.get(1).get("outputs").get(0).get("shape").get(0).asLong()).isEqualTo(3);
        assertThat(stacked.get(1).get("outputs").get(0).get("data")).hasSize(3);
    }

    @Test
    void miniLmGraphCalledRawPoolsToTheTextEmbedding() throws Exception {
        TextEmbeddingModel text = (TextEmbeddingModel) TestModels.model("sentence-embedder");
        List<String> texts = List.of("Card declined twice at the same merchant.", "hello");
        List<TensorRequest> requests = new ArrayList<>();
        List<Encoding> encodings = new ArrayList<>();
        for (String t : texts) {
            Encoding e = text.tokenize(t);
            encodings.add(e);
            requests.add(minilmRaw.prepare(tokens(e), AT));
        }
        // two texts of different lengths: their shapes differ, so each runs its own call
        List<JsonNode> raw = minilmRaw.predict(requests);
        for (int i = 0; i < texts.size(); i++) {
            JsonNode hidden = raw.get(i).get("outputs").get(0);
            assertThat(hidden.get("name").asText()).isEqualTo("last_hidden_state");
            int seq = encodings.get(i).getIds().length;
            assertThat(hidden.get("shape").toString()).isEqualTo("[1," + seq + ",384]");
            float[] pooled = meanPoolNormalize(hidden.get("data"), seq, 384);
            JsonNode embedding = text.predict(List.of(text.prepare(JsonNodeFactory.instance.objectNode()
                    .put("text", texts.get(i)), AT))).get(0).get("embedding");
            for (int d = 0; d < 384; d++) {
                assertThat(pooled[d]).as("text %d dim %d", i, d).isCloseTo(embedding.get(d).floatValue(), within(1e-5f));
            }
        }
    }

    @Test
    void theDemosRawSamplesScoreAsTheTaskSamplesWhoseInputTheyCarry() throws Exception {
        List<SampleEvents.Sample> raw = SampleEvents.valid().stream().filter(s -> s.model().endsWith("-raw")).toList();
        assertThat(raw).extracting(SampleEvents.Sample::model)
                .containsExactlyInAnyOrder("fraud-scorer-raw", "sensor-anomaly-raw", "sentence-embedder-raw");
        for (SampleEvents.Sample sample : raw) {
            JsonNode detail = sample.event().get("detail");
            SampleEvents.Sample mirrored = SampleEvents.valid().stream()
                    .filter(s -> s.requestId().equals(detail.get("attributes").get("sameInputAs").asText())).findFirst().orElseThrow();
            TaskModel<?> task = TestModels.model(mirrored.model());
            JsonNode expected = task.predict(cast(List.of(task.prepare(mirrored.event().get("detail").get("input"), AT)))).get(0);
            TaskModel<TensorRequest> model = sample.model().equals("sentence-embedder-raw") ? minilmRaw
                    : cast(TestModels.model(sample.model()));
            JsonNode output = only(model, detail.get("input")).get("outputs").get(0);
            if (expected.has("score")) {
                assertThat(output.get("data").get(0).floatValue()).as(sample.name()).isEqualTo(expected.get("score").floatValue());
            } else {
                int seq = (int) output.get("shape").get(1).asLong();
                float[] pooled = meanPoolNormalize(output.get("data"), seq, 384);
                for (int d = 0; d < 384; d++) {
                    assertThat(pooled[d]).as(sample.name()).isCloseTo(expected.get("embedding").get(d).floatValue(), within(1e-5f));
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }

    @Test
    void refusalsNameTheirField() {
        ArrayNode eight = rows(1, 1f);
        // the contract's schema
        refused(fraudRaw, JsonNodeFactory.instance.objectNode(), AT + "/inputs");
        refused(fraudRaw, tensor("features", "FLOAT", List.of(1L, 8L), eight), AT + "/inputs/0/datatype");
        refused(fraudRaw, tensor("features", "FP32", List.of(-1L, 8L), eight), AT + "/inputs/0/shape/0");
        refused(fraudRaw, with(tensor("features", "FP32", List.of(1L, 8L), eight), in -> in.put("extra", 1)), AT + "/extra");
        // what the graph declares
        refused(fraudRaw, tensor("feature", "FP32", List.of(1L, 8L), eight), AT + "/inputs/0/name");
        refused(fraudRaw, tensor("features", "FP64", List.of(1L, 8L), eight), AT + "/inputs/0/datatype");
        refused(fraudRaw, tensor("features", "FP32", List.of(8L), eight), AT + "/inputs/0/shape");
        refused(fraudRaw, tensor("features", "FP32", List.of(2L, 4L), eight), AT + "/inputs/0/shape/1");
        refused(fraudRaw, with(tensor("features", "FP32", List.of(1L, 8L), eight),
                in -> in.putArray("outputs").addObject().put("name", "label")), AT + "/outputs/0/name");
        refused(minilmRaw, tensor("input_ids", "INT64", List.of(1L, 2L), ints(101, 102)), AT + "/inputs");
        refused(fraudRaw, with(tensor("features", "FP32", List.of(1L, 8L), eight), in -> {
            ArrayNode outputs = in.putArray("outputs");
            outputs.addObject().put("name", "score");
            outputs.addObject().put("name", "score");
        }), AT + "/outputs/1/name");
        // the data
        refused(fraudRaw, tensor("features", "FP32", List.of(2L, 8L), eight), AT + "/inputs/0/data");
        refused(fraudRaw, with(tensor("features", "FP32", List.of(1L, 8L), rows(1, 1f)),
                in -> ((ArrayNode) in.get("inputs").get(0).get("data")).set(3, JsonNodeFactory.instance.textNode("x"))),
                AT + "/inputs/0/data/3");
        refused(fraudRaw, with(tensor("features", "FP32", List.of(1L, 8L), rows(1, 1f)),
                in -> ((ArrayNode) in.get("inputs").get(0).get("data")).set(5, JsonNodeFactory.instance.numberNode(1e300))),
                AT + "/inputs/0/data/5");
        ObjectNode miniLm = tokens(List.of(101L, 7592L, 102L));
        ((ArrayNode) miniLm.get("inputs").get(0).get("data")).set(1, JsonNodeFactory.instance.numberNode(1.5));
        refused(minilmRaw, miniLm, AT + "/inputs/0/data/1");
        ObjectNode twice = tokens(List.of(101L, 102L));
        ((ArrayNode) twice.get("inputs")).add(twice.get("inputs").get(0).deepCopy());
        refused(minilmRaw, twice, AT + "/inputs/3/name");
    }

    @Test
    void aShapeOverTheCatalogLimitIsTooLargeBeforeItsDataIsRead() {
        // 262,145 rows of 8 claim more elements than limits.maxTensorElements allows, whatever data says
        assertThatThrownBy(() -> fraudRaw.prepare(tensor("features", "FP32", List.of(32_769L, 8L), rows(1, 1f)), AT))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INPUT_TOO_LARGE))
                .hasMessageStartingWith(AT + "/inputs/0/shape:");
        assertThatThrownBy(() -> fraudRaw.prepare(tensor("features", "FP32", List.of(Long.MAX_VALUE, 8L), rows(1, 1f)), AT))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INPUT_TOO_LARGE));
    }

    @Test
    void primingInputIsAValidRequest() throws Exception {
        for (TaskModel<TensorRequest> model : List.of(fraudRaw, sensorRaw, minilmRaw)) {
            assertThat(model.predict(List.of(model.prepare(model.primingInput(), AT)))).hasSize(1);
        }
    }

    private static void refused(TaskModel<TensorRequest> model, JsonNode input, String field) {
        assertThatThrownBy(() -> model.prepare(input, AT))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageStartingWith(field + ":");
    }

    private static JsonNode only(TaskModel<TensorRequest> model, JsonNode input) throws Exception {
        return model.predict(List.of(model.prepare(input, AT))).get(0);
    }

    @SuppressWarnings("unchecked")
    private static <P> float scoreOf(TaskModel<P> model, JsonNode input) throws Exception {
        return model.predict(List.of(model.prepare(input, AT))).get(0).get("score").floatValue();
    }

    static ObjectNode tensor(String name, String datatype, List<Long> shape, ArrayNode data) {
        ObjectNode input = JsonNodeFactory.instance.objectNode();
        ObjectNode t = input.putArray("inputs").addObject().put("name", name).put("datatype", datatype);
        shape.forEach(t.putArray("shape")::add);
        t.set("data", data);
        return input;
    }

    private static ObjectNode with(ObjectNode input, Consumer<ObjectNode> change) {
        change.accept(input);
        return input;
    }

    private static ArrayNode rows(int rows, float value) {
        ArrayNode data = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < rows * 8; i++) {
            data.add(value * (i % 8 + 1));
        }
        return data;
    }

    private static ArrayNode ints(long... values) {
        ArrayNode data = JsonNodeFactory.instance.arrayNode();
        for (long v : values) {
            data.add(v);
        }
        return data;
    }

    static ObjectNode tokens(Encoding e) {
        ObjectNode input = tokens(java.util.Arrays.stream(e.getIds()).boxed().toList());
        setData(input, 1, e.getAttentionMask());
        setData(input, 2, e.getTypeIds());
        return input;
    }

    /** MiniLM's three inputs for one sequence of {@code ids}: a full mask and type 0. */
    private static ObjectNode tokens(List<Long> ids) {
        ObjectNode input = JsonNodeFactory.instance.objectNode();
        ArrayNode inputs = input.putArray("inputs");
        for (String name : List.of("input_ids", "attention_mask", "token_type_ids")) {
            ObjectNode t = inputs.addObject().put("name", name).put("datatype", "INT64");
            t.putArray("shape").add(1).add(ids.size());
            ArrayNode data = t.putArray("data");
            ids.forEach(id -> data.add(name.equals("input_ids") ? id : name.equals("attention_mask") ? 1 : 0));
        }
        return input;
    }

    private static void setData(ObjectNode input, int index, long[] values) {
        ArrayNode data = ((ObjectNode) input.get("inputs").get(index)).putArray("data");
        for (long v : values) {
            data.add(v);
        }
    }

    /** What the text-embedding task does with last_hidden_state: mean over the (full) mask, then L2. */
    static float[] meanPoolNormalize(JsonNode flat, int seq, int dim) {
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
