package dev.inferbus.cdk;

import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.catalog.Tier;
import dev.inferbus.events.drift.DriftAlarm;
import dev.inferbus.events.drift.DriftReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.CreateAlarmOptions;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.constructs.Construct;

/**
 * A drift alarm per cpu model that ships a {@value DriftReference#FILE} with any of its versions: the functions'
 * {@value DriftAlarm#METRIC} under {@code {Model}}, its {@value DriftAlarm#STATISTIC} over
 * {@value DriftAlarm#PERIOD_MINUTES} minutes above {@value DriftAlarm#THRESHOLD} (see {@link DriftAlarm} for why).
 * A period without a value is not breaching: a container writes PSI only once its window is full enough, and no
 * traffic is no evidence of drift. Beside it, on the same terms, an alarm on {@value DriftAlarm#SCORE_METRIC} where the
 * reference holds the model's training scores. A model without a reference (sentence-embedder) gets no alarm.
 */
public final class DriftAlarms extends Construct {

    private final List<Alarm> alarms = new ArrayList<>();

    /** @param modelsDirectory the models folder the bucket deployment ships (the catalog's {@code models/} root) */
    public DriftAlarms(Construct scope, String id, ModelCatalog catalog, Path modelsDirectory) {
        super(scope, id);
        Path root = modelsDirectory.toAbsolutePath().getParent();
        for (ModelSpec model : catalog.models()) {
            boolean referenced = model.tier() == Tier.CPU && DriftReference.appliesTo(model.task()) && model.allVersions().stream()
                    .anyMatch(v -> Files.isRegularFile(root.resolve(v.artifactFolder()).resolve(DriftReference.FILE)));
            if (!referenced) {
                continue;
            }
            alarms.add(alarm(model, DriftAlarm.METRIC, "Drift-", "Inputs of " + model.id() + " drifted from its training"
                    + " distribution: an input's PSI exceeds " + DriftAlarm.THRESHOLD + " (per-feature Psi tells which);"
                    + " retrain or check the producer"));
            if (scored(model, root)) {
                alarms.add(alarm(model, DriftAlarm.SCORE_METRIC, "ScoreDrift-", "Scores of " + model.id() + " drifted from"
                        + " those it gave its training data: their PSI exceeds " + DriftAlarm.THRESHOLD + "; the shift"
                        + " reaches the results (PsiMax and per-feature Psi tell whether its inputs moved)"));
            }
        }
    }

    /** Whether a reference of the model holds the distribution of its scores, which {@value DriftAlarm#SCORE_METRIC} is measured against. */
    private static boolean scored(ModelSpec model, Path root) {
        for (ModelSpec version : model.allVersions()) {
            Path file = root.resolve(version.artifactFolder()).resolve(DriftReference.FILE);
            try {
                if (Files.isRegularFile(file) && DriftReference.read(file).score() != null) {
                    return true;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the drift reference " + file, e);
            }
        }
        return false;
    }

    /** {@code metric} of the model under {@code {Model}}: its {@value DriftAlarm#STATISTIC} over a period above the threshold. */
    private Alarm alarm(ModelSpec model, String metric, String idPrefix, String description) {
        // unlabelled: CloudFormation renders a labelled metric as metric math, which hides its name
        return Metric.Builder.create().namespace(Observability.NAMESPACE).metricName(metric)
                .dimensionsMap(Map.of("Model", model.id())).statistic(DriftAlarm.STATISTIC)
                .period(Duration.minutes(DriftAlarm.PERIOD_MINUTES)).build()
                .createAlarm(this, idPrefix + model.id(), CreateAlarmOptions.builder().alarmDescription(description)
                        .threshold(DriftAlarm.THRESHOLD).comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                        .evaluationPeriods(1).treatMissingData(TreatMissingData.NOT_BREACHING).build());
    }

    public List<Alarm> alarms() {
        return alarms;
    }
}
