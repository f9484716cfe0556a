package dev.inferbus.functions.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.cloudwatchlogs.emf.environment.LambdaEnvironment;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

/** A {@link BatchMetrics} whose EMF documents land in a list, as CloudWatch Logs would receive them from stdout. */
public final class EmfDocuments {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> documents = new ArrayList<>();
    private final BatchMetrics metrics = new BatchMetrics("fn", true, () -> new LambdaEnvironment() {
        @Override
        public ISink getSink() {
            return new ISink() {
                @Override
                public void accept(MetricsContext context) {
                    try {
                        for (String document : context.serialize()) {
                            documents.add(JSON.readTree(document));
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }

                @Override
                public CompletableFuture<Void> shutdown() {
                    return CompletableFuture.completedFuture(null);
                }
            };
        }
    });

    public BatchMetrics metrics() {
        return metrics;
    }

    public List<JsonNode> documents() {
        return documents;
    }

    /** The dimension sets of a document's directive, e.g. {@code [["Model"],["Model","Version"]]}. */
    public static String dimensions(JsonNode document) {
        return document.get("_aws").get("CloudWatchMetrics").get(0).get("Dimensions").toString();
    }
}
