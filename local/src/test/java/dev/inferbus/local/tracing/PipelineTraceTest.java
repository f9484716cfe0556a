package dev.inferbus.local.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.functions.batch.MicroBatcher;
import dev.inferbus.functions.metrics.BatchMetrics;
import dev.inferbus.functions.pipeline.InferencePipeline;
import dev.inferbus.functions.runtime.ArtifactSource;
import dev.inferbus.functions.runtime.ModelRuntime;
import dev.inferbus.functions.tracing.RecordSource;
import dev.inferbus.functions.tracing.Tracing;
import dev.inferbus.local.files.Folders;
import dev.inferbus.local.results.PipelineServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One SQS-delivered request through the real pipeline — the fraud model scoring in a tensor batch, DynamoDB Local,
 * the local bus — with the function's tracing exporting over OTLP/HTTP to the local cloud's collector: the span tree
 * the collector keeps, the waterfall drawn from it, and the traceparent the result event carries on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineTraceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PRODUCER_SPAN = "00f067aa0ba902b7";
    /** Where Lambda's Java runtime puts the invocation's X-Ray header. */
    private static final String LAMBDA_HEADER = "com.amazonaws.xray.traceHeader";
    private Path folder;
    private PipelineServices services;
    private ModelRuntime models;
    private TraceCollector collector;

    @BeforeAll
    void start() throws Exception {
        services = PipelineServices.start();
        ModelCatalog catalog = CatalogLoader.load(Path.of("../samples/catalog.yaml"));
        models = ModelRuntime.load(catalog.select(List.of("fraud-scorer")), ArtifactSource.fromRoot("classpath:"));
        folder = Files.createTempDirectory("traces");
        collector = TraceCollector.start(folder);
    }

    @AfterAll
    void stop() throws Exception {
        collector.close();
        Folders.deleteTree(folder);
        models.close();
        services.close();
    }

    private InferencePipeline pipeline() {
        EventCodec codec = EventCodec.create();
        Clock clock = Clock.systemUTC();
        return new InferencePipeline(CatalogLoader.load(Path.of("../samples/catalog.yaml")), Set.of("fraud-scorer"), codec,
                new MicroBatcher(models, MicroBatcher.Options.DEFAULT), services.claimChecks(codec), services.reporter(clock),
                services.largeOutputs(), new BatchMetrics("test", false), clock);
    }

    /** The sample fraud request (it carries a producer's traceparent) as EventBridge delivers it, at {@code time}. */
    private static String event(String requestId, Instant time) throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(Files.readString(Path.of("../events/samples/valid/fraud-scorer-legit-grocery.json")));
        event.put("version", "0").put("id", "e-" + requestId).put("account", "123456789012").put("region", "us-east-1")
                .put("time", time.toString()).putArray("resources");
        ((ObjectNode) event.get("detail")).put("requestId", requestId);
        return event.toString();
    }

    @Test
    void oneRequestsSpansContinueItsTraceparentAndTheResultEventCarriesTheFunctionsSpan() throws Exception {
        Instant time = Instant.now().minusMillis(300).truncatedTo(ChronoUnit.MILLIS);
        Map<String, String> sqs = Map.of("SentTimestamp", Long.toString(time.plusMillis(20).toEpochMilli()),
                "ApproximateFirstReceiveTimestamp", Long.toString(time.plusMillis(60).toEpochMilli()));
        try (Tracing tracing = Tracing.fromEnvironment(Map.of(Tracing.ENDPOINT, collector.endpoint().toString(),
                "AWS_LAMBDA_FUNCTION_NAME", "cpu-batch"))) {
            String body = event("trace-1", time);
            // Lambda's header of an invocation X-Ray did not sample, as without active tracing: the request's own
            // sampled traceparent still decides for its spans and the batch spans that serve it
            System.setProperty(LAMBDA_HEADER, "Root=1-67891233-abcdef012345678912345678;Parent=463ac35c9f6413ad;Sampled=0");
            InferencePipeline.Report report = tracing.invocation(Map.of("m-1", RecordSource.sqs(sqs)),
                    () -> pipeline().process(List.of(new InferencePipeline.Record("m-1", body))));
            assertThat(report.count(InferencePipeline.Fate.COMPLETED)).isEqualTo(1);
        } finally {
            System.clearProperty(LAMBDA_HEADER);
        }

        List<SpanRecord> spans = TraceCollector.read(folder);
        SpanRecord request = spans.stream().filter(s -> "trace-1".equals(s.attributes().get("inferbus.request_id"))).findFirst().orElseThrow();
        assertThat(request.traceId()).isEqualTo(TRACE);
        assertThat(request.parentSpanId()).isEqualTo(PRODUCER_SPAN);
        assertThat(request.service()).isEqualTo("cpu-batch");
        assertThat(request.startNanos()).isEqualTo(time.toEpochMilli() * 1_000_000);
        assertThat(spans.stream().filter(s -> s.parentSpanId().equals(request.spanId())).map(SpanRecord::name))
                .containsExactlyInAnyOrder("rule", "queue wait", "batch wait", "decode");
        assertThat(spans.stream().filter(s -> s.links().contains(request.id())).map(SpanRecord::name))
                .hasSize(3).anyMatch(name -> name.startsWith("inference fraud-scorer v")).contains("dynamodb write", "publish");
        // the input never leaves in a span
        assertThat(spans).allSatisfy(s -> assertThat(s.attributes().values()).noneMatch(v -> v.contains("grocer") || v.contains("42.5")));

        JsonNode completed = services.announced().stream().filter(e -> e.path("detail").path("requestId").asText().equals("trace-1"))
                .findFirst().orElseThrow();
        assertThat(completed.path("detail").path("traceparent").asText()).isEqualTo("00-" + TRACE + "-" + request.spanId() + "-01");

        String waterfall = Waterfall.of("trace-1", spans).orElseThrow().render(30);
        assertThat(waterfall).contains("request trace-1  trace " + TRACE)
                .containsPattern("(?m)^request +cpu-batch +0\\.0 ")
                .containsPattern("(?m)^  rule +cpu-batch +0\\.0 +20\\.0 ")
                .contains("  ~ dynamodb write", "  ~ publish", "  decode");
    }
}
