package dev.inferbus.functions.runtime;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.ZooModel;
import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.catalog.ModelSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code text-embedding}: {@code {text}} → {@code {embedding[], dim}}, tokenized once, pooled and normalised. */
public final class TextEmbeddingModel implements TaskModel<Encoding> {

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
        return tokenizer.encode(TextEmbeddings.text(input, pointer, spec.limits()));
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
            outputs.add(TextEmbeddings.output(embedding));
        }
        return outputs;
    }

    @Override
    public JsonNode primingInput() {
        return TextEmbeddings.input("inferbus primes this model before the snapshot.");
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }
}
