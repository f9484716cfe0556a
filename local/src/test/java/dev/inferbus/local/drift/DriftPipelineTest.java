package dev.inferbus.local.drift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.events.drift.DriftAlarm;
import dev.inferbus.events.results.Status;
import dev.inferbus.functions.batch.MicroBatcher;
import dev.inferbus.functions.drift.DriftMonitor;
import dev.inferbus.functions.metrics.BatchMetrics;
import dev.inferbus.functions.pipeline.InferencePipeline;
import dev.inferbus.functions.runtime.ArtifactSource;
import dev.inferbus.functions.runtime.ModelRuntime;
import dev.inferbus.local.results.PipelineServices;
import dev.inferbus.samples.fraud.TransactionGenerator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Drift as a function reports it: fraud requests through the real pipeline (the model, the rows written to DynamoDB
 * Local, the events on the local bus) in one container's invocations, with the function's own EMF writer, whose lines
 * on stdout are what CloudWatch Logs turns into metrics. The drift alarms' statistic and threshold
 * ({@link DriftAlarm}) are applied to those lines as CloudWatch would over one period.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DriftPipelineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REQUESTS = 1_500;
    /** Records per invocation, as a queue route hands them over (SQS's default batch): the window counts requests. */
    private static final int BATCH = 10;

    private final ModelCatalog catalog = CatalogLoader.load(Path.of("../samples/catalog.yaml"));
    private final EventCodec codec = EventCodec.create();
    private PipelineServices services;
    private ModelRuntime models;

    @BeforeAll
    void start() throws Exception {
        services = PipelineServices.start();
        models = ModelRuntime.load(catalog.select(List.of("fraud-scorer")), ArtifactSource.fromRoot("classpath:"));
    }

    @AfterAll
    void stop() {
        models.close();
        services.close();
    }

    @Test
    void amountsFiveTimesLargerTripTheInputAlarmThroughWrittenRowsWhileTheTrainingDistributionStaysUnder() throws Exception {
        Workload unshifted = serve("unshifted", amount -> amount);
        Workload shifted = serve("amount-x5", amount -> amount * 5);

        assertThat(statistic(unshifted.emf(), DriftAlarm.METRIC).orElseThrow()).isLessThan(DriftAlarm.THRESHOLD);
        assertThat(statistic(shifted.emf(), DriftAlarm.METRIC).orElseThrow()).isGreaterThan(DriftAlarm.THRESHOLD);
        // per feature, in documents of their own: the one that moved is named
        assertThat(lastPsi(shifted.emf(), "amount")).isGreaterThan(DriftAlarm.THRESHOLD);
        assertThat(lastPsi(unshifted.emf(), "amount")).isLessThan(DriftAlarm.THRESHOLD);
        // the scores' distribution is reported beside the inputs': once per request (a document per invocation and
        // version the rollout chose), and its PSI once the window is full
        for (Workload workload : List.of(unshifted, shifted)) {
            List<JsonNode> drift = workload.emf().stream().filter(d -> d.has("Score")).toList();
            assertThat(drift.stream().mapToInt(d -> values(d, "Score")).sum()).as(workload.name()).isEqualTo(workload.completed());
            // the label mix: each request of the document under one label, every label of the reference written
            assertThat(drift).allSatisfy(d -> assertThat(d.get("Label_legit").asInt() + d.get("Label_fraud").asInt())
                    .isEqualTo(values(d, "Score")));
            assertThat(statistic(workload.emf(), DriftAlarm.SCORE_METRIC)).as(workload.name()).isPresent();
        }
        assertThat(statistic(shifted.emf(), DriftAlarm.SCORE_METRIC).orElseThrow())
                .isGreaterThan(statistic(unshifted.emf(), DriftAlarm.SCORE_METRIC).orElseThrow());
    }

    @Test
    void aRedeliveredBatchIsNotObservedTwice() throws Exception {
        Workload served = serve("redelivered", amount -> amount);
        InferencePipeline pipeline = served.pipeline();
        List<InferencePipeline.Record> last = served.batches().getLast();

        List<JsonNode> again = emf(() -> {
            InferencePipeline.Report report = pipeline.process(last);
            // each row was written on the first delivery: none completes again (a busy table may hand one back instead)
            assertThat(report.count(InferencePipeline.Fate.COMPLETED)).isZero();
            assertThat(report.count(InferencePipeline.Fate.DUPLICATE)).isPositive();
        });

        assertThat(again).noneMatch(d -> d.has("Score") || d.has(DriftAlarm.METRIC) || d.has("Psi"));
    }

    /** A workload's invocations, the requests they completed, their EMF lines, and the pipeline (one container) that served them. */
    private record Workload(String name, InferencePipeline pipeline, List<List<InferencePipeline.Record>> batches, int completed,
                            List<JsonNode> emf) {
    }

    /** {@value #REQUESTS} fraud requests, {@code amount} applied to each amount, through one fresh container. */
    private Workload serve(String name, DoubleUnaryOperator amount) throws Exception {
        Clock clock = Clock.systemUTC();
        InferencePipeline pipeline = new InferencePipeline(catalog, Set.of("fraud-scorer"), codec,
                new MicroBatcher(models, MicroBatcher.Options.DEFAULT), services.claimChecks(codec), services.reporter(clock),
                services.largeOutputs(), new BatchMetrics("cpu-direct", true), clock)
                .withDrift(DriftMonitor.load(models.models(), ArtifactSource.fromRoot("classpath:")));
        List<List<InferencePipeline.Record>> batches = batches(name + "-" + System.nanoTime(), amount);
        int[] completed = {0};
        List<JsonNode> emf = emf(() -> batches.forEach(batch -> completed[0] += deliver(pipeline, batch)));
        String someRequest = JSON.readTree(batches.getFirst().getFirst().body()).get("detail").get("requestId").asText();
        assertThat(services.store().find(someRequest).join().orElseThrow().status()).isEqualTo(Status.COMPLETED);
        return new Workload(name, pipeline, batches, completed[0], emf);
    }

    /**
     * One invocation of {@code batch}, then, as the queue would, the records it handed back, until none is: on a busy
     * machine a write may outlast its attempt timeout. Each request ends once: COMPLETED, or, where the timed-out write
     * had landed, DUPLICATE on its redelivery (never observed, its first delivery having failed).
     *
     * @return how many requests this delivery completed
     */
    private static int deliver(InferencePipeline pipeline, List<InferencePipeline.Record> batch) {
        int completed = 0;
        int duplicates = 0;
        List<InferencePipeline.Record> pending = batch;
        for (int delivery = 0; delivery < 5 && !pending.isEmpty(); delivery++) {
            InferencePipeline.Report report = pipeline.process(pending);
            completed += report.count(InferencePipeline.Fate.COMPLETED);
            duplicates += report.count(InferencePipeline.Fate.DUPLICATE);
            pending = pending.stream().filter(r -> report.retry().contains(r.id())).toList();
        }
        assertThat(completed + duplicates).isEqualTo(batch.size());
        return completed;
    }

    private static List<List<InferencePipeline.Record>> batches(String prefix, DoubleUnaryOperator amount) {
        TransactionGenerator generator = new TransactionGenerator(31);
        String time = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        List<List<InferencePipeline.Record>> batches = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            if (i % BATCH == 0) {
                batches.add(new ArrayList<>());
            }
            double[] f = generator.next().features();
            ObjectNode event = JSON.createObjectNode().put("version", "0").put("id", "e-" + prefix + "-" + i)
                    .put("detail-type", "InferenceRequested").put("source", "app.payments").put("account", "123456789012")
                    .put("region", "us-east-1").put("time", time);
            event.putArray("resources");
            ObjectNode detail = event.putObject("detail").put("requestId", prefix + "-" + i).put("model", "fraud-scorer");
            ObjectNode features = detail.putObject("input").putObject("features");
            for (int k = 0; k < f.length; k++) {
                String feature = TransactionGenerator.FEATURES.get(k);
                features.put(feature, feature.equals("amount") ? amount.applyAsDouble(f[k]) : f[k]);
            }
            batches.getLast().add(new InferencePipeline.Record("m-" + i, event.toString()));
        }
        return batches;
    }

    /**
     * The EMF documents {@code work} writes: the function's metrics writer prints them on stdout, one a line, as Lambda's
     * log stream receives them (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
     */
    private static List<JsonNode> emf(Runnable work) throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            work.run();
        } finally {
            System.setOut(stdout);
        }
        List<JsonNode> documents = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{") && line.contains("\"_aws\"")) {
                documents.add(JSON.readTree(line));
            }
        }
        return documents;
    }

    /** How many values a document holds of {@code metric}: EMF writes one value bare, several as an array. */
    private static int values(JsonNode document, String metric) {
        JsonNode values = document.get(metric);
        return values.isArray() ? values.size() : 1;
    }

    /** The alarms' statistic of {@code metric} over one period of the model's {Model} series. */
    private static OptionalDouble statistic(List<JsonNode> documents, String metric) {
        assertThat(DriftAlarm.STATISTIC).isEqualTo("Maximum");
        return documents.stream().filter(d -> d.has(metric) && !d.has("Feature")).mapToDouble(d -> d.get(metric).asDouble()).max();
    }

    /** The feature's PSI in the last document written for it: the window over the workload's last requests. */
    private static double lastPsi(List<JsonNode> documents, String feature) {
        return documents.stream().filter(d -> d.has("Feature") && d.get("Feature").asText().equals(feature))
                .reduce((a, b) -> b).orElseThrow().get("Psi").asDouble();
    }
}
