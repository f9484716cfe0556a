package dev.inferbus.cdk;

import dev.inferbus.events.catalog.EndpointSpec;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.catalog.ModelSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.CreateAlarmOptions;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.constructs.Construct;

/**
 * Alarms (any message in a DLQ, a Kinesis consumer falling behind, function errors and throttles, an endpoint
 * answering 5xx) and one dashboard: per-model latency and throughput from the functions' EMF metrics, queue age
 * and DLQ depth, and the gpu endpoints' latency and errors. A model running a canary (a split rollout) gets an
 * alarm per canary version on its error rate against the live version's.
 */
public final class Observability extends Construct {

    /** The EMF namespace the functions write (see BatchMetrics). */
    public static final String NAMESPACE = "inferbus";
    public static final long ITERATOR_AGE_ALARM_MS = 60_000;
    /**
     * How many percentage points a canary's error rate may exceed the live version's before it alarms. A margin,
     * not a ratio: a 10 % canary sees few requests, so one failure in a quiet five minutes already moves its rate
     * by whole points, and a ratio against a live rate near zero would alarm on that noise.
     */
    public static final int CANARY_ERROR_RATE_MARGIN_PCT = 5;

    private final List<Alarm> alarms = new ArrayList<>();

    public Observability(Construct scope, String id, ModelCatalog catalog, List<InferenceTier> tiers) {
        super(scope, id);
        for (var dlq : tiers.stream().flatMap(t -> t.deadLetterQueues().stream()).toList()) {
            alarms.add(dlq.metricApproximateNumberOfMessagesVisible(MetricOptions.builder().period(Duration.minutes(1)).build())
                    .createAlarm(this, "DlqNotEmpty-" + dlq.getNode().getId(), CreateAlarmOptions.builder()
                            .alarmDescription("Work that exhausted its retries is waiting in " + dlq.getNode().getId())
                            .threshold(0).comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                            .evaluationPeriods(1).treatMissingData(TreatMissingData.NOT_BREACHING).build()));
        }
        for (var stream : tiers.stream().flatMap(t -> t.streams().stream()).toList()) {
            alarms.add(stream.metricGetRecordsIteratorAgeMilliseconds(MetricOptions.builder().statistic("Maximum").build())
                    .createAlarm(this, "IteratorAge-" + stream.getNode().getId(), CreateAlarmOptions.builder()
                            .alarmDescription("The stream's consumer is more than a minute behind")
                            .threshold(ITERATOR_AGE_ALARM_MS).comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                            .evaluationPeriods(3).treatMissingData(TreatMissingData.NOT_BREACHING).build()));
        }
        for (Map.Entry<String, software.amazon.awscdk.services.lambda.Alias> f : tiers.stream()
                .flatMap(t -> t.functions().entrySet().stream()).toList()) {
            alarms.add(f.getValue().metricErrors().createAlarm(this, "Errors-" + f.getKey(), CreateAlarmOptions.builder()
                    .threshold(0).comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                    .evaluationPeriods(1).treatMissingData(TreatMissingData.NOT_BREACHING).build()));
            alarms.add(f.getValue().metricThrottles().createAlarm(this, "Throttles-" + f.getKey(), CreateAlarmOptions.builder()
                    .threshold(0).comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                    .evaluationPeriods(1).treatMissingData(TreatMissingData.NOT_BREACHING).build()));
        }

        canaries(catalog);

        Dashboard dashboard = Dashboard.Builder.create(this, "Dashboard").dashboardName("inferbus").build();
        List<IMetric> latency = new ArrayList<>();
        List<IMetric> throughput = new ArrayList<>();
        for (ModelSpec model : catalog.models()) {
            latency.add(modelMetric(model, "EndToEndMs", "p95"));
            latency.add(modelMetric(model, "InferenceMs", "p50"));
            throughput.add(modelMetric(model, "Requests", "Sum"));
        }
        List<IMetric> queueAge = new ArrayList<>();
        tiers.forEach(t -> t.queues().values().forEach(q -> queueAge.add(q.metricApproximateAgeOfOldestMessage())));
        List<IMetric> dlqDepth = new ArrayList<>();
        tiers.forEach(t -> t.deadLetterQueues().forEach(q -> dlqDepth.add(q.metricApproximateNumberOfMessagesVisible())));
        dashboard.addWidgets(
                GraphWidget.Builder.create().title("Latency per model (ms)").left(latency).width(12).build(),
                GraphWidget.Builder.create().title("Requests per model").left(throughput).width(12).build());
        dashboard.addWidgets(
                GraphWidget.Builder.create().title("Oldest queued request (s)").left(queueAge).width(12).build(),
                GraphWidget.Builder.create().title("Dead-letter queue depth").left(dlqDepth).width(12).build());
        endpoints(catalog, dashboard);
    }

    /**
     * For every version that takes traffic beside the live one: the canary's error rate (Failed / Requests, from
     * the functions' {Model, Version} metrics) minus the live one's. A window where either side has no requests
     * yields no data point, which is not breaching: no traffic is no evidence against the canary.
     */
    private void canaries(ModelCatalog catalog) {
        for (ModelSpec model : catalog.models()) {
            if (!model.rollout().isSplit()) {
                continue;
            }
            String live = model.rollout().live();
            for (Map.Entry<String, Integer> weight : model.rollout().traffic().entrySet()) {
                String canary = weight.getKey();
                if (canary.equals(live) || weight.getValue() <= 0) {
                    continue;
                }
                Map<String, IMetric> using = new LinkedHashMap<>();
                using.put("failedCanary", versionMetric(model, canary, "Failed"));
                using.put("requestsCanary", versionMetric(model, canary, "Requests"));
                using.put("failedLive", versionMetric(model, live, "Failed"));
                using.put("requestsLive", versionMetric(model, live, "Requests"));
                MathExpression excess = MathExpression.Builder.create()
                        .expression("100*(failedCanary/requestsCanary) - 100*(failedLive/requestsLive)")
                        .usingMetrics(using).period(Duration.minutes(5))
                        .label(model.id() + " v" + canary + " error rate minus v" + live + "'s (points)").build();
                alarms.add(excess.createAlarm(this, "CanaryErrorRate-" + model.id() + "-v" + canary, CreateAlarmOptions.builder()
                        .alarmDescription("Canary " + model.id() + " v" + canary + " fails more than "
                                + CANARY_ERROR_RATE_MARGIN_PCT + " percentage points above live v" + live
                                + " over 5 minutes: hold or roll back its rollout weight")
                        .threshold(CANARY_ERROR_RATE_MARGIN_PCT).comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                        .evaluationPeriods(1).treatMissingData(TreatMissingData.NOT_BREACHING).build()));
            }
        }
    }

    private static Metric versionMetric(ModelSpec model, String version, String name) {
        Map<String, String> dimensions = new LinkedHashMap<>();
        dimensions.put("Model", model.id());
        dimensions.put("Version", version);
        return Metric.Builder.create().namespace(NAMESPACE).metricName(name).dimensionsMap(dimensions)
                .statistic("Sum").period(Duration.minutes(5)).build();
    }

    /**
     * The gpu endpoints (every version's) as SageMaker reports them: an alarm on any 5xx (the forwarder retries them, so a
     * steady stream means work piling up), and model latency beside the 4xx/5xx counts on the dashboard.
     */
    private void endpoints(ModelCatalog catalog, Dashboard dashboard) {
        List<IMetric> latency = new ArrayList<>();
        List<IMetric> errors = new ArrayList<>();
        List<String> names = catalog.models().stream().flatMap(m -> m.allVersions().stream()).map(ModelSpec::endpoint)
                .filter(Objects::nonNull).map(EndpointSpec::name).toList();
        for (String name : names) {
            // unlabelled: CloudFormation renders a labelled metric as metric math, which hides its name
            Metric fiveXx = Metric.Builder.create().namespace("AWS/SageMaker").metricName("Invocation5XXErrors")
                    .dimensionsMap(Map.of("EndpointName", name, "VariantName", "AllTraffic")).statistic("Sum")
                    .period(Duration.minutes(1)).build();
            alarms.add(fiveXx.createAlarm(this, "Endpoint5xx-" + name, CreateAlarmOptions.builder()
                    .alarmDescription("SageMaker endpoint " + name + " answers 5xx; the forwarder keeps retrying those records")
                    .threshold(0).comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                    .evaluationPeriods(5).datapointsToAlarm(3).treatMissingData(TreatMissingData.NOT_BREACHING).build()));
            latency.add(endpointMetric(name, "ModelLatency", "p95"));
            errors.add(endpointMetric(name, "Invocation5XXErrors", "Sum"));
            errors.add(endpointMetric(name, "Invocation4XXErrors", "Sum"));
        }
        if (!latency.isEmpty()) {
            dashboard.addWidgets(
                    GraphWidget.Builder.create().title("Endpoint model latency (µs)").left(latency).width(12).build(),
                    GraphWidget.Builder.create().title("Endpoint errors").left(errors).width(12).build());
        }
    }

    private static IMetric endpointMetric(String endpoint, String name, String statistic) {
        return Metric.Builder.create().namespace("AWS/SageMaker").metricName(name)
                .dimensionsMap(Map.of("EndpointName", endpoint, "VariantName", "AllTraffic")).statistic(statistic)
                .label(endpoint + " " + name + " " + statistic).period(Duration.minutes(1)).build();
    }

    private static IMetric modelMetric(ModelSpec model, String name, String statistic) {
        return Metric.Builder.create().namespace(NAMESPACE).metricName(name)
                .dimensionsMap(Map.of("Model", model.id())).statistic(statistic)
                .label(model.id() + " " + name + " " + statistic).period(Duration.minutes(1)).build();
    }

    public List<Alarm> alarms() {
        return alarms;
    }
}
