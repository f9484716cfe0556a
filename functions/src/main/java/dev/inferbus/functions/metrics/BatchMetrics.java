package dev.inferbus.functions.metrics;

import dev.inferbus.events.contract.ErrorCode;
import java.util.Map;
import software.amazon.cloudwatchlogs.emf.environment.LambdaEnvironment;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.Unit;

/**
 * Per-model metrics of one invocation, written as CloudWatch Embedded Metric Format (one JSON document on
 * stdout that CloudWatch turns into metrics): count, failures by error code, batch size, inference and
 * end-to-end latency. No payload ever enters a metric or a log line.
 */
public final class BatchMetrics {

    public static final String NAMESPACE = "inferbus";

    private final String function;
    private final boolean enabled;

    /**
     * @param enabled off outside Lambda, where EMF documents on stdout would only be noise
     */
    public BatchMetrics(String function, boolean enabled) {
        this.function = function;
        this.enabled = enabled;
    }

    public static BatchMetrics forEnvironment() {
        String name = System.getenv("AWS_LAMBDA_FUNCTION_NAME");
        return new BatchMetrics(name == null ? "local" : name, name != null);
    }

    /** What one model did in one invocation. */
    public record ModelBatch(String model, int records, int completed, Map<ErrorCode, Integer> failures,
                             double inferenceMsMax, double endToEndMsMax) {
    }

    public void emit(ModelBatch batch) {
        if (!enabled) {
            return;
        }
        // The Lambda environment is named, not detected: detection would probe EC2/ECS metadata endpoints.
        MetricsLogger metrics = new MetricsLogger(new LambdaEnvironment());
        try {
            metrics.setNamespace(NAMESPACE);
            metrics.setDimensions(DimensionSet.of("Model", batch.model()));
            metrics.putProperty("function", function);
            metrics.putMetric("Requests", batch.records(), Unit.COUNT);
            metrics.putMetric("Completed", batch.completed(), Unit.COUNT);
            metrics.putMetric("BatchSize", batch.records(), Unit.COUNT);
            metrics.putMetric("InferenceMs", batch.inferenceMsMax(), Unit.MILLISECONDS);
            if (batch.endToEndMsMax() >= 0) {
                metrics.putMetric("EndToEndMs", batch.endToEndMsMax(), Unit.MILLISECONDS);
            }
            batch.failures().forEach((code, n) -> metrics.putMetric("Failed_" + code.name(), n, Unit.COUNT));
            metrics.flush();
        } catch (Exception e) {
            // metrics must never fail an invocation
        }
    }
}
