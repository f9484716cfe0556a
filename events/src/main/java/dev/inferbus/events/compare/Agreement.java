package dev.inferbus.events.compare;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.catalog.Task;

/**
 * How far two outputs of the same task, for the same request, agree (two versions of a model, or a replay's
 * re-scoring against the original).
 *
 * @param measure for embeddings the cosine of the two vectors (1 = same direction); for classification and anomaly
 *                detection |Δscore|; for tensors the largest |Δ| of an element; for generations 1 when the texts
 *                are the same, else 0
 * @param disagrees whether the pair would change what a consumer does: embeddings under
 *                  {@link #EMBEDDING_AGREEMENT}, another label, another anomaly flag, tensors of other names, types
 *                  or shapes, or another non-numeric element (the numbers' meaning is the model's, so no gap between
 *                  them is judged here)
 */
public record Agreement(double measure, boolean disagrees) {

    /**
     * Two embeddings below this cosine count as disagreeing. A requantized or re-exported model (fp32 vs int8)
     * typically stays above 0.99 on the same input, while nearest-neighbour rankings start to reorder below it;
     * a pair under it is worth looking at, not proof of a regression.
     */
    public static final double EMBEDDING_AGREEMENT = 0.99;

    /** @throws IllegalArgumentException when an output lacks its task's fields, or the embeddings' dimensions differ */
    public static Agreement of(Task task, JsonNode a, JsonNode b) {
        return switch (task) {
            case TEXT_EMBEDDING -> {
                double cosine = cosine(a.path("embedding"), b.path("embedding"));
                yield new Agreement(cosine, cosine < EMBEDDING_AGREEMENT);
            }
            case TABULAR_CLASSIFICATION -> new Agreement(scoreGap(a, b), !text(a, "label").equals(text(b, "label")));
            case ANOMALY_DETECTION -> new Agreement(scoreGap(a, b), flag(a) != flag(b));
            case TENSOR -> tensors(a.path("outputs"), b.path("outputs"));
            // a generation with the same seed and parameters is the same text; sampled differently, any two differ,
            // so only sameness is measured (1 or 0)
            case TEXT_GENERATION -> {
                boolean same = text(a, "text").equals(text(b, "text"));
                yield new Agreement(same ? 1 : 0, !same);
            }
        };
    }

    /** Output tensors paired in order: a differing name, datatype or shape is a disagreement, as is a longer list. */
    private static Agreement tensors(JsonNode a, JsonNode b) {
        if (!a.isArray() || !b.isArray()) {
            throw new IllegalArgumentException("a tensor output needs an 'outputs' array");
        }
        double gap = 0;
        boolean disagrees = a.size() != b.size();
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            JsonNode x = a.get(i);
            JsonNode y = b.get(i);
            if (!x.path("name").equals(y.path("name")) || !x.path("datatype").equals(y.path("datatype"))
                    || !x.path("shape").equals(y.path("shape")) || x.path("data").size() != y.path("data").size()) {
                disagrees = true;
                continue;
            }
            for (int k = 0; k < x.path("data").size(); k++) {
                JsonNode u = x.path("data").get(k);
                JsonNode v = y.path("data").get(k);
                if (u.isNumber() && v.isNumber()) {
                    gap = Math.max(gap, Math.abs(u.asDouble() - v.asDouble()));
                } else if (!u.equals(v)) {
                    disagrees = true;
                }
            }
        }
        return new Agreement(gap, disagrees);
    }

    private static double cosine(JsonNode a, JsonNode b) {
        if (!a.isArray() || !b.isArray()) {
            throw new IllegalArgumentException("an embedding output needs an 'embedding' array");
        }
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("embeddings of " + a.size() + " and " + b.size() + " dimensions do not compare");
        }
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.size(); i++) {
            double x = a.get(i).asDouble();
            double y = b.get(i).asDouble();
            dot += x * y;
            normA += x * x;
            normB += y * y;
        }
        if (normA == 0 || normB == 0) {
            // a zero vector has no direction: it agrees only with another zero vector
            return normA == normB ? 1 : 0;
        }
        return dot / Math.sqrt(normA * normB);
    }

    private static double scoreGap(JsonNode a, JsonNode b) {
        return Math.abs(number(a, "score") - number(b, "score"));
    }

    // a missing field must not read as 0 or "": that would pass for a measured agreement

    private static double number(JsonNode output, String field) {
        JsonNode value = output.path(field);
        if (!value.isNumber()) {
            throw new IllegalArgumentException("output has no numeric '" + field + "': " + output);
        }
        return value.asDouble();
    }

    private static String text(JsonNode output, String field) {
        JsonNode value = output.path(field);
        if (!value.isTextual()) {
            throw new IllegalArgumentException("output has no '" + field + "': " + output);
        }
        return value.asText();
    }

    private static boolean flag(JsonNode output) {
        JsonNode value = output.path("anomalous");
        if (!value.isBoolean()) {
            throw new IllegalArgumentException("output has no boolean 'anomalous': " + output);
        }
        return value.asBoolean();
    }
}
