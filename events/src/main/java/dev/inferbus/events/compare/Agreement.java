package dev.inferbus.events.compare;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.catalog.Task;

/**
 * How far two outputs of the same task, for the same request, agree (two versions of a model, or a replay's
 * re-scoring against the original).
 *
 * @param measure for embeddings the cosine of the two vectors (1 = same direction); for classification and anomaly
 *                detection |Δscore|; for generations 1 when the texts are the same, else 0
 * @param disagrees whether the pair would change what a consumer does: embeddings under
 *                  {@link #EMBEDDING_AGREEMENT}, another label, another anomaly flag
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
            // a generation with the same seed and parameters is the same text; sampled differently, any two differ,
            // so only sameness is measured (1 or 0)
            case TEXT_GENERATION -> {
                boolean same = text(a, "text").equals(text(b, "text"));
                yield new Agreement(same ? 1 : 0, !same);
            }
        };
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
