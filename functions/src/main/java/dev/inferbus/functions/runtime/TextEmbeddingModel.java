package dev.inferbus.functions.runtime;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.ZooModel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.contract.EventCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code text-embedding}: {@code {text}} → {@code {embedding[], dim}}, tokenized once, pooled and normalised. */
public final class TextEmbeddingModel implements TaskModel<Encoding> {

    private static final Set<String> FIELDS = Set.of("text");

    private final ModelSpec spec;
    private final HuggingFaceTokenizer tokenizer;
    private final ZooModel<Encoding, float[]> model;
    private final int dim;

    TextEmbeddingModel(ModelSpec spec, ModelSignature signature, Path onnx, Path tokenizerFile) throws IOException {
        this.spec = spec;
        this.dim = signature.required(signature.dim(), "dim");
        this.tokenizer = HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizerFile)
                .optMaxLength(signature.required(signature.maxTokens(), "maxTokens"))
                .optTruncation(true)
                .optPadding(false)
                .build();
        String pooling = signature.required(signature.pooling(), "pooling");
        if (!pooling.equals("mean") && !pooling.equals("cls")) {
            throw new IllegalStateException("unknown pooling '" + pooling + "' in the signature of " + spec.id());
        }
        this.model = OnnxModels.load(onnx, Encoding.class, float[].class,
                new TokenEmbeddingTranslator(pooling.equals("mean"), !Boolean.FALSE.equals(signature.normalize())));
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public Encoding prepare(JsonNode input, String pointer) throws InvalidInputException {
        Inputs.requireFields(input, pointer, FIELDS);
        JsonNode text = input.get("text");
        if (!text.isTextual()) {
            throw InvalidInputException.invalid(pointer + "/text: expected a string, got " + EventCodec.describe(text));
        }
        String value = text.asText();
        if (value.isBlank()) {
            throw InvalidInputException.invalid(pointer + "/text: must not be empty or blank");
        }
        int max = spec.limits().maxTextChars();
        if (value.length() > max) {
            throw new InvalidInputException(ErrorCode.INPUT_TOO_LARGE,
                    pointer + "/text: at most " + max + " characters, got " + value.length());
        }
        return tokenizer.encode(value);
    }

    @Override
    public int cost(Encoding prepared) {
        return prepared.getIds().length;
    }

    /** Tokens of a text as this model sees them (truncated to its maximum). */
    public Encoding tokenize(String text) {
        return tokenizer.encode(text);
    }

    @Override
    public List<JsonNode> predict(List<Encoding> batch) throws Exception {
        List<float[]> embeddings;
        try (Predictor<Encoding, float[]> predictor = model.newPredictor()) {
            embeddings = predictor.batchPredict(batch);
        }
        List<JsonNode> outputs = new ArrayList<>(embeddings.size());
        for (float[] embedding : embeddings) {
            if (embedding.length != dim) {
                throw new IllegalStateException(spec.id() + " produced " + embedding.length + " dims, its signature says " + dim);
            }
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            ArrayNode values = out.putArray("embedding");
            for (float v : embedding) {
                values.add(v);
            }
            out.put("dim", dim);
            outputs.add(out);
        }
        return outputs;
    }

    @Override
    public JsonNode primingInput() {
        return JsonNodeFactory.instance.objectNode().put("text", "inferbus primes this model before the snapshot.");
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }
}
