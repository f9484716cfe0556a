package dev.inferbus.functions.metrics;

import dev.inferbus.events.catalog.Task;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.drift.DriftAlarm;
import dev.inferbus.functions.drift.DriftBatch;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.environment.LambdaEnvironment;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.Unit;

/**
 * Per-model metrics of one invocation, written as CloudWatch Embedded Metric Format (one JSON document on
 * stdout that CloudWatch turns into metrics): count, failures by error code, batch size, inference and
 * end-to-end latency. No payload ever enters a metric or a log line.
 *
 * <p>Each document carries two dimension sets, {@code {Model}} and {@code {Model, Version}}: dashboards and the
 * model alarms keep reading the per-model series, while a canary alarm can set one version's error rate against
 * another's. {@code Failed} is the total of the per-code {@code Failed_<CODE>} counts, so an error rate is one
 * metric divided by another rather than a sum over every code.
 */
public final class BatchMetrics {

    public static final String NAMESPACE = "inferbus";

    private final String function;
    private final boolean enabled;
    private final Supplier<Environment> environment;

    /**
     * @param enabled off outside Lambda, where EMF documents on stdout would only be noise
     */
    public BatchMetrics(String function, boolean enabled) {
        // The Lambda environment is named, not detected: detection would probe EC2/ECS metadata endpoints.
        this(function, enabled, LambdaEnvironment::new);
    }

    /** With the environment (and so the sink) given, so a test can read the documents written. */
    BatchMetrics(String function, boolean enabled, Supplier<Environment> environment) {
        this.function = function;
        this.enabled = enabled;
        this.environment = environment;
    }

    public static BatchMetrics forEnvironment() {
        String name = System.getenv("AWS_LAMBDA_FUNCTION_NAME");
        return new BatchMetrics(name == null ? "local" : name, name != null);
    }

    /**
     * What one version of a model did in one invocation.
     *
     * @param version null when no version was chosen (an unknown model, an undecodable event): such a batch
     *                has the {@code {Model}} dimension set only
     */
    public record ModelBatch(String model, String version, int records, int completed, Map<ErrorCode, Integer> failures,
                             double inferenceMsMax, double endToEndMsMax) {
    }

    /**
     * How one shadow version agreed with one live version in one invocation.
     *
     * @param measures one agreement measure per request the shadow scored (cosine for embeddings, |Δscore| otherwise):
     *                 each is one value of the metric, so CloudWatch keeps their percentiles rather than a mean
     */
    public record ShadowBatch(String model, Task task, String liveVersion, String shadowVersion, int failed,
                              int disagreements, List<Double> measures) {

        public ShadowBatch {
            measures = List.copyOf(measures);
        }
    }

    /**
     * The shadow's own document, with the dimension set {@code {Model, LiveVersion, ShadowVersion}}: its
     * measures must never blend into the serving versions' metrics, and a pair of versions is what is judged.
     */
    public void emit(ShadowBatch batch) {
        write(metrics -> {
            metrics.setDimensions(DimensionSet.of("Model", batch.model(), "LiveVersion", batch.liveVersion(),
                    "ShadowVersion", batch.shadowVersion()));
            metrics.putMetric("ShadowScored", batch.measures().size(), Unit.COUNT);
            metrics.putMetric("ShadowFailed", batch.failed(), Unit.COUNT);
            metrics.putMetric("ShadowDisagreements", batch.disagreements(), Unit.COUNT);
            String measure = batch.task() == Task.TEXT_EMBEDDING ? "ShadowCosine" : "ShadowScoreGap";
            batch.measures().forEach(m -> metrics.putMetric(measure, m, Unit.NONE));
        });
    }

    public void emit(ModelBatch batch) {
        write(metrics -> {
            if (batch.version() == null) {
                metrics.setDimensions(DimensionSet.of("Model", batch.model()));
            } else {
                metrics.setDimensions(DimensionSet.of("Model", batch.model()),
                        DimensionSet.of("Model", batch.model(), "Version", batch.version()));
            }
            metrics.putMetric("Requests", batch.records(), Unit.COUNT);
            metrics.putMetric("Completed", batch.completed(), Unit.COUNT);
            metrics.putMetric("BatchSize", batch.records(), Unit.COUNT);
            metrics.putMetric("InferenceMs", batch.inferenceMsMax(), Unit.MILLISECONDS);
            if (batch.endToEndMsMax() >= 0) {
                metrics.putMetric("EndToEndMs", batch.endToEndMsMax(), Unit.MILLISECONDS);
            }
            batch.failures().forEach((code, n) -> metrics.putMetric("Failed_" + code.name(), n, Unit.COUNT));
            // Written even when zero: a version that failed nothing must show a 0 % error rate, not a gap.
            metrics.putMetric("Failed", batch.failures().values().stream().mapToInt(Integer::intValue).sum(), Unit.COUNT);
        });
    }

    /**
     * Drift of one model version in one invocation: its per-request values (score, token length, reading
     * statistics) and label counts under {@code {Model}} and {@code {Model, Version}}, and, once its container's
     * window holds enough requests, {@value DriftAlarm#METRIC} (the largest input PSI, what the drift alarm watches)
     * and {@value DriftAlarm#SCORE_METRIC} (what the score drift alarm watches) there, and each input column's {@code Psi} in a document of its own with a
     * {@code Feature} dimension. Values are numbers derived from the requests; an input is never written.
     */
    public void emit(DriftBatch batch) {
        write(metrics -> {
            metrics.setDimensions(DimensionSet.of("Model", batch.model()),
                    DimensionSet.of("Model", batch.model(), "Version", batch.version()));
            batch.values().forEach((name, values) -> values.forEach(v -> metrics.putMetric(name, v, Unit.NONE)));
            batch.labels().forEach((label, n) -> metrics.putMetric("Label_" + label, n, Unit.COUNT));
            if (batch.psi() != null) {
                metrics.putMetric(DriftAlarm.METRIC, batch.psi().max(), Unit.NONE);
                if (batch.psi().score() != null) {
                    metrics.putMetric(DriftAlarm.SCORE_METRIC, batch.psi().score(), Unit.NONE);
                }
            }
        });
        if (batch.psi() != null) {
            batch.psi().inputs().forEach((feature, psi) -> write(metrics -> {
                metrics.setDimensions(DimensionSet.of("Model", batch.model(), "Feature", feature),
                        DimensionSet.of("Model", batch.model(), "Version", batch.version(), "Feature", feature));
                metrics.putMetric("Psi", psi, Unit.NONE);
            }));
        }
    }

    /** One EMF document in the namespace, with the function named; never fails the invocation. */
    private void write(Consumer<MetricsLogger> document) {
        if (!enabled) {
            return;
        }
        MetricsLogger metrics = new MetricsLogger(environment.get());
        try {
            metrics.setNamespace(NAMESPACE);
            metrics.putProperty("function", function);
            document.accept(metrics);
            metrics.flush();
        } catch (Exception e) {
            // metrics must never fail an invocation
        }
    }
}
