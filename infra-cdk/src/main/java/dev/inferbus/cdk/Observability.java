package dev.inferbus.cdk;

import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.catalog.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.CreateAlarmOptions;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.constructs.Construct;

/**
 * Alarms (any message in a DLQ, a Kinesis consumer falling behind, function errors and throttles, an endpoint
 * answering 5xx) and one dashboard: per-model latency and throughput from the functions' EMF metrics, queue age
 * and DLQ depth, and the gpu endpoints' latency and errors.
 */
public final class Observability extends Construct {

    /** The EMF namespace the functions write (see BatchMetrics). */
    public static final String NAMESPACE = "inferbus";
    public static final long ITERATOR_AGE_ALARM_MS = 60_000;

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
     * The gpu endpoints as SageMaker reports them: an alarm on any 5xx (the forwarder retries them, so a
     * steady stream means work piling up), and model latency beside the 4xx/5xx counts on the dashboard.
     */
    private void endpoints(ModelCatalog catalog, Dashboard dashboard) {
        List<IMetric> latency = new ArrayList<>();
        List<IMetric> errors = new ArrayList<>();
        for (ModelSpec model : catalog.models()) {
            if (model.endpoint() == null) {
                continue;
            }
            String name = model.endpoint().name();
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
