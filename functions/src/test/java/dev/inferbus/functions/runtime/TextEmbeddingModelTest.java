package dev.inferbus.functions.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextEmbeddingModelTest {

    private final TextEmbeddingModel model = (TextEmbeddingModel) TestModels.model("sentence-embedder");

    @Test
    void embeddingsEqualRawOnnxRuntimeOnTheSameTokens() throws Exception {
        List<String> texts = List.of("a cat sits on the mat", "Quarterly revenue grew by twelve percent.", "hi");
        Path onnx = ArtifactSource.fromRoot("classpath:").fetch("models/sentence-embedder/1/model.onnx");
        // DJL's engine is already up (the model is loaded), so raw ORT may now take the shared environment.
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx.toString())) {
            for (String text : texts) {
                Encoding tokens = model.tokenize(text);
                float[] expected = rawMeanPooled(env, session, tokens);

                float[] actual = embedding(model.predict(List.of(tokens)).get(0));

                assertThat(actual).hasSize(384);
                for (int d = 0; d < actual.length; d++) {
                    assertThat(actual[d]).as("%s dim %d", text, d).isCloseTo(expected[d], within(1e-4f));
                }
            }
        }
    }

    @Test
    void embeddingsAreUnitVectorsOf384Dims() throws Exception {
        JsonNode output = model.predict(List.of(model.prepare(text("a cat sits on the mat"), "/input"))).get(0);

        assertThat(output.get("dim").asInt()).isEqualTo(384);
        float[] v = embedding(output);
        assertThat(v).hasSize(384);
        assertThat(norm(v)).isCloseTo(1.0, within(1e-4));
    }

    @Test
    void paraphrasesAreCloserThanUnrelatedSentences() throws Exception {
        String[][] pairs = {
                {"A man is playing a guitar.", "Someone strums a guitar.", "The stock market fell sharply today."},
                {"How do I reset my password?", "I forgot my password, how can I change it?", "The weather is sunny in Lisbon."},
                {"The cat sleeps on the sofa.", "A kitten is napping on the couch.", "Interest rates were raised by the bank."},
                {"The train to Paris is delayed.", "Our Paris train is running late.", "She baked a chocolate cake."},
                {"He bought a new laptop.", "He purchased a new notebook computer.", "The river flooded the village."},
                {"Invoices are due within thirty days.", "Payment of bills is expected in 30 days.", "Penguins live in Antarctica."},
        };
        for (String[] pair : pairs) {
            List<float[]> v = embed(List.of(pair));
            double paraphrase = dot(v.get(0), v.get(1));
            double unrelated = dot(v.get(0), v.get(2));

            assertThat(paraphrase).as(pair[0]).isGreaterThan(unrelated + 0.2);
        }
    }

    @Test
    void multiRowTensorCallsDependOnTheirNeighboursOnlyThroughInt8Quantisation() throws Exception {
        // The int8 model quantises activations dynamically, with one scale per tensor: a row's embedding moves a
        // little with the other rows of its call. Identical rows share the scale and so match exactly. This is why
        // the catalog scores MiniLM one text per tensor call (see MicroBatcherTest for the exact equality).
        List<String> texts = List.of("short", "a somewhat longer sentence about invoices and payment terms",
                "A cat sits on the mat.", "x".repeat(300) + " token soup " + "y".repeat(200));

        List<float[]> batched = embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            float[] alone = embed(List.of(texts.get(i))).get(0);
            assertThat(dot(batched.get(i), alone)).as(texts.get(i)).isGreaterThan(0.97);
        }
        List<float[]> same = embed(List.of("the cat sat", "the cat sat", "the cat sat"));
        assertThat(same.get(1)).containsExactly(embed(List.of("the cat sat")).get(0));
    }

    @Test
    void longTextsAreTruncatedToTheModelsMaximum() {
        assertThat(model.tokenize("word ".repeat(2_000)).getIds()).hasSize(256);
    }

    private List<float[]> embed(List<String> texts) throws Exception {
        List<Encoding> encodings = new ArrayList<>();
        for (String t : texts) {
            encodings.add(model.prepare(text(t), "/input"));
        }
        return model.predict(encodings).stream().map(TextEmbeddingModelTest::embedding).toList();
    }

    static JsonNode text(String text) {
        return JsonNodeFactory.instance.objectNode().put("text", text);
    }

    static float[] embedding(JsonNode output) {
        JsonNode values = output.get("embedding");
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i).floatValue();
        }
        return v;
    }

    private static float[] rawMeanPooled(OrtEnvironment env, OrtSession session, Encoding tokens) throws Exception {
        long[][] ids = {tokens.getIds()};
        long[][] mask = {tokens.getAttentionMask()};
        long[][] types = {tokens.getTypeIds()};
        try (OnnxTensor i = OnnxTensor.createTensor(env, ids);
             OnnxTensor m = OnnxTensor.createTensor(env, mask);
             OnnxTensor t = OnnxTensor.createTensor(env, types);
             OrtSession.Result result = session.run(Map.of("input_ids", i, "attention_mask", m, "token_type_ids", t))) {
            float[][][] hidden = (float[][][]) result.get(0).getValue();
            float[] pooled = new float[hidden[0][0].length];
            for (float[] token : hidden[0]) {
                for (int d = 0; d < pooled.length; d++) {
                    pooled[d] += token[d] / hidden[0].length;
                }
            }
            double n = norm(pooled);
            for (int d = 0; d < pooled.length; d++) {
                pooled[d] /= (float) n;
            }
            return pooled;
        }
    }

    private static double norm(float[] v) {
        return Math.sqrt(dot(v, v));
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
