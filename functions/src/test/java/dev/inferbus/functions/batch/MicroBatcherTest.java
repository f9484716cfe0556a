package dev.inferbus.functions.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.functions.runtime.InvalidInputException;
import dev.inferbus.functions.runtime.ModelLookup;
import dev.inferbus.functions.runtime.TaskModel;
import dev.inferbus.functions.runtime.TestModels;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MicroBatcher batcher = new MicroBatcher(TestModels.runtime());

    @Test
    void aMixedBatchScoresTheGoodAndFailsTheBadAloneInInputOrder() throws Exception {
        List<ScoringRequest> requests = List.of(
                request("sentence-embedder", "{\"text\":\"a cat sits on the mat\"}"),
                request("fraud-scorer", "{\"features\":{\"amount\":\"lots\"}}"),
                request("sentence-embedder", "{\"text\":42}"),
                request("sensor-anomaly", "{\"readings\":[1,2,3]}"),
                request("sentence-embedder", "{\"text\":\"\"}"),
                request("sentence-embedder", "{\"text\":\"" + "long ".repeat(900) + "\"}"),
                request("sentence-embedder", "{\"text\":\"the invoice is due in thirty days\"}"),
                request("fraud-scorer", "{\"features\":{\"amount\":42.5,\"hour\":14,\"merchantRisk\":0.05,\"distanceKm\":3.2,"
                        + "\"txnLast24h\":2,\"cardAgeDays\":1460,\"foreign\":0,\"online\":0}}"));

        List<Outcome> outcomes = batcher.score(requests);

        assertThat(outcomes).hasSize(requests.size());
        assertThat(outcomes.get(0)).isInstanceOfSatisfying(Outcome.Scored.class,
                s -> assertThat(s.output().get("dim").asInt()).isEqualTo(384));
        assertFailed(outcomes.get(1), ErrorCode.INVALID_INPUT, "/detail/input/features/amount: expected a number, got a string of 4 characters");
        assertFailed(outcomes.get(2), ErrorCode.INVALID_INPUT, "/detail/input/text: expected a string, got a number");
        assertFailed(outcomes.get(3), ErrorCode.INVALID_INPUT, "/detail/input/readings: expected exactly 64 readings");
        assertFailed(outcomes.get(4), ErrorCode.INVALID_INPUT, "/detail/input/text: must not be empty");
        assertFailed(outcomes.get(5), ErrorCode.INPUT_TOO_LARGE, "/detail/input/text: at most 4000 characters, got 4500");
        assertThat(outcomes.get(6)).isInstanceOf(Outcome.Scored.class);
        assertThat(outcomes.get(7)).isInstanceOfSatisfying(Outcome.Scored.class,
                s -> assertThat(s.output().get("label").asText()).isEqualTo("legit"));
    }

    @Test
    void aTensorRequestTheGraphDoesNotTakeFailsAloneAndTheRestShareOneCall() throws Exception {
        String window = IntStream.range(0, 64).mapToObj(i -> String.valueOf(Math.sin(i / 4.0))).reduce((a, b) -> a + "," + b).orElseThrow();
        String good = "{\"inputs\":[{\"name\":\"readings\",\"shape\":[1,64],\"datatype\":\"FP32\",\"data\":[" + window + "]}]}";
        List<ScoringRequest> requests = List.of(
                request("sensor-anomaly-raw", good),
                request("sensor-anomaly-raw", "{\"inputs\":[{\"name\":\"readings\",\"shape\":[1,63],\"datatype\":\"FP32\",\"data\":["
                        + window.substring(0, window.lastIndexOf(',')) + "]}]}"),
                request("sensor-anomaly-raw", good));

        List<Outcome> outcomes = batcher.score(requests);

        assertFailed(outcomes.get(1), ErrorCode.INVALID_INPUT, "/detail/input/inputs/0/shape/1: input 'readings' has 64 there");
        assertThat(outcomes.get(0)).isInstanceOfSatisfying(Outcome.Scored.class,
                s -> assertThat(s.output().get("outputs").get(0).get("shape").toString()).isEqualTo("[1,1]"));
        assertThat(((Outcome.Scored) outcomes.get(2)).output()).isEqualTo(((Outcome.Scored) outcomes.get(0)).output());
    }

    @Test
    void batchedResultsEqualOneByOneResults() throws Exception {
        List<ScoringRequest> requests = new ArrayList<>();
        String[] texts = {"one", "two words", "a sentence of several more words than the others", "four", "five five"};
        for (String t : texts) {
            requests.add(request("sentence-embedder", JSON.createObjectNode().put("text", t).toString()));
        }
        for (int i = 0; i < 5; i++) {
            requests.add(request("fraud-scorer", "{\"features\":{\"amount\":" + (10 + i * 500) + ",\"hour\":3,\"merchantRisk\":0."
                    + i + ",\"distanceKm\":" + (i * 900) + ",\"txnLast24h\":" + i + ",\"cardAgeDays\":30,\"foreign\":1,\"online\":1}}"));
        }

        List<Outcome> together = batcher.score(requests);
        for (int i = 0; i < requests.size(); i++) {
            JsonNode alone = ((Outcome.Scored) batcher.score(List.of(requests.get(i))).get(0)).output();
            JsonNode batched = ((Outcome.Scored) together.get(i)).output();
            assertThat(batched).as(requests.get(i).input().toString()).isEqualTo(alone);
        }
    }

    @Test
    void splitsEachModelIntoTensorBatchesOfItsMaximumOrderedByCost() {
        CountingModel model = new CountingModel(TestModels.catalog().find("sentence-embedder").orElseThrow(), 64);
        MicroBatcher counting = new MicroBatcher(lookup(model));
        List<ScoringRequest> requests = IntStream.range(0, 150)
                .mapToObj(i -> new ScoringRequest(model.spec(), JsonNodeFactory.instance.numberNode(150 - i), "/detail/input"))
                .toList();

        List<Outcome> outcomes = counting.score(requests);

        assertThat(model.batchSizes).containsExactly(64, 64, 22);
        assertThat(model.batches.get(0)).isSorted();
        assertThat(model.batches.get(0).get(0)).isEqualTo(1);
        for (int i = 0; i < outcomes.size(); i++) {
            assertThat(((Outcome.Scored) outcomes.get(i)).output().asInt()).isEqualTo(2 * (150 - i));
        }
    }

    @Test
    void aTensorCallThatThrowsIsRetriedRecordByRecordSoOnlyThePoisonFails() {
        CountingModel model = new CountingModel(TestModels.catalog().find("sentence-embedder").orElseThrow(), 8);
        model.poison = 5;
        MicroBatcher counting = new MicroBatcher(lookup(model));
        List<ScoringRequest> requests = IntStream.rangeClosed(1, 8)
                .mapToObj(i -> new ScoringRequest(model.spec(), JsonNodeFactory.instance.numberNode(i), "/detail/input"))
                .toList();

        List<Outcome> outcomes = counting.score(requests);

        assertFailed(outcomes.get(4), ErrorCode.MODEL_ERROR, "model 'sentence-embedder' failed on this input: poisoned");
        assertThat(outcomes).filteredOn(o -> o instanceof Outcome.Scored).hasSize(7);
    }

    @Test
    void aModelThisFunctionDoesNotServeFailsNamingTheField() {
        ModelSpec gpu = TestModels.catalog().find("document-embedder").orElseThrow();

        List<Outcome> outcomes = batcher.score(List.of(new ScoringRequest(gpu, JSON.createObjectNode().put("text", "x"), "/detail/input")));

        assertFailed(outcomes.get(0), ErrorCode.UNKNOWN_MODEL, "/detail/model: model 'document-embedder' version '1' is not served by this function");
    }

    private static void assertFailed(Outcome outcome, ErrorCode code, String messageStart) {
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
            assertThat(f.code()).isEqualTo(code);
            assertThat(f.message()).startsWith(messageStart);
        });
    }

    private static ScoringRequest request(String model, String input) throws Exception {
        return new ScoringRequest(TestModels.catalog().find(model).orElseThrow(), JSON.readTree(input), "/detail/input");
    }

    private static ModelLookup lookup(TaskModel<?> model) {
        return new ModelLookup() {
            @Override
            public Optional<TaskModel<?>> model(ModelSpec spec) {
                return model.spec().id().equals(spec.id()) && model.spec().version().equals(spec.version())
                        ? Optional.of(model) : Optional.empty();
            }

            @Override
            public Collection<TaskModel<?>> models() {
                return List.of(model);
            }
        };
    }

    /** Doubles integers; records each tensor call; throws on a batch holding {@code poison}. */
    private static final class CountingModel implements TaskModel<Integer> {
        private final ModelSpec spec;
        final List<Integer> batchSizes = new ArrayList<>();
        final List<List<Integer>> batches = new ArrayList<>();
        int poison = -1;

        CountingModel(ModelSpec base, int maxTensorBatch) {
            this.spec = new ModelSpec(base.id(), base.version(), base.task(), base.tier(), base.trigger(), base.artifact(),
                    new dev.inferbus.events.catalog.BatchSpec(base.batch().size(), 0, maxTensorBatch), null, base.limits(),
                    base.function(), 0);
        }

        @Override
        public ModelSpec spec() {
            return spec;
        }

        @Override
        public Integer prepare(JsonNode input, String pointer) throws InvalidInputException {
            return input.asInt();
        }

        @Override
        public int cost(Integer prepared) {
            return prepared;
        }

        @Override
        public List<JsonNode> predict(List<Integer> batch) {
            batchSizes.add(batch.size());
            batches.add(batch);
            if (batch.contains(poison)) {
                throw new IllegalStateException("poisoned");
            }
            return batch.stream().<JsonNode>map(i -> JsonNodeFactory.instance.numberNode(2 * i)).toList();
        }

        @Override
        public JsonNode primingInput() {
            return JsonNodeFactory.instance.numberNode(1);
        }

        @Override
        public void close() {
        }
    }
}
