package dev.inferbus.local.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.functions.batch.MicroBatcher;
import dev.inferbus.functions.batch.Scorer;
import dev.inferbus.functions.gpu.EndpointForwarder;
import dev.inferbus.functions.metrics.BatchMetrics;
import dev.inferbus.functions.pipeline.InferencePipeline;
import dev.inferbus.functions.runtime.ArtifactSource;
import dev.inferbus.functions.runtime.ModelRuntime;
import dev.inferbus.functions.tracing.RecordSource;
import dev.inferbus.functions.tracing.Tracing;
import dev.inferbus.local.cache.CacheTables;
import dev.inferbus.local.results.PipelineServices;
import dev.inferbus.local.sagemaker.SageMakerServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.InetSocketAddress;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;

/**
 * The spans X-Ray draws its service map from, on real pipeline runs: each call the function makes to an AWS service
 * (S3 for a claim check, DynamoDB for the result rows, EventBridge for the result events, SageMaker Runtime for an
 * endpoint) is a CLIENT span with the AWS SDK conventions' attributes, below the stage that made it; the
 * invocation's span is the function's SERVER span and each request's span a CONSUMER of its message.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceMapSpansTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
    private static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
    private static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
    private static final AttributeKey<String> REGION = AttributeKey.stringKey("cloud.region");
    private static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("aws.request_id");
    private static final AttributeKey<List<String>> TABLES = AttributeKey.stringArrayKey("aws.dynamodb.table_names");

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final ModelCatalog catalog = CatalogLoader.load(Path.of("../samples/catalog.yaml"));
    private final EventCodec codec = EventCodec.create();
    private Tracing tracing;
    private PipelineServices services;
    private ModelRuntime models;
    private SageMakerServer endpoints;
    private SageMakerRuntimeAsyncClient sageMaker;

    @BeforeAll
    void start() throws Exception {
        tracing = Tracing.exportingTo(exporter, "cpu-batch");
        services = PipelineServices.withS3(List.of(tracing.awsCalls()));
        models = ModelRuntime.load(catalog.select(List.of("fraud-scorer")), ArtifactSource.fromRoot("classpath:"));
        endpoints = SageMakerServer.start(new InetSocketAddress("127.0.0.1", 0),
                catalog.find("document-embedder").orElseThrow().allVersions(), version -> SageMakerServer.TextModel.constant(new float[] {1, 1, 1, 1}), null, PipelineServices.BUCKET,
                (endpoint, success, message) -> { }, "us-east-1");
        sageMaker = services.client(SageMakerRuntimeAsyncClient.builder(), endpoints.endpoint()).build();
    }

    @AfterAll
    void stop() {
        sageMaker.close();
        endpoints.close();
        models.close();
        services.close();
        tracing.close();
    }

    @BeforeEach
    void forget() {
        exporter.reset();
    }

    private InferencePipeline pipeline(String model, Scorer scorer) {
        Clock clock = Clock.systemUTC();
        return new InferencePipeline(catalog, Set.of(model), codec, scorer, services.claimChecks(codec), services.reporter(clock),
                services.largeOutputs(), new BatchMetrics("test", false), clock);
    }

    /** A sample request as EventBridge delivers it, with its traceparent (sampled) and {@code requestId}. */
    private static ObjectNode event(String sample, String requestId) throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(Files.readString(Path.of("../events/samples/valid/" + sample)));
        event.put("version", "0").put("id", "e-" + requestId).put("account", "123456789012").put("region", "us-east-1")
                .put("time", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString()).putArray("resources");
        ((ObjectNode) event.get("detail")).put("requestId", requestId)
                .put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        return event;
    }

    private InferencePipeline.Report run(InferencePipeline pipeline, String body) {
        return tracing.invocation(Map.of("m-1", RecordSource.sqs(Map.of())),
                () -> pipeline.process(List.of(new InferencePipeline.Record("m-1", body))));
    }

    @Test
    void claimCheckTableAndBusCallsAreAwsClientSpansBelowTheirStages() throws Exception {
        ObjectNode event = event("fraud-scorer-legit-grocery.json", "map-cpu-" + System.nanoTime());
        ObjectNode detail = (ObjectNode) event.get("detail");
        String key = "in/" + detail.get("requestId").asText() + ".json";
        services.s3().putObject(b -> b.bucket(PipelineServices.BUCKET).key(key), AsyncRequestBody.fromString(detail.get("input").toString()))
                .join();
        detail.remove("input");
        detail.put("inputRef", "s3://" + PipelineServices.BUCKET + "/" + key);
        exporter.reset();

        InferencePipeline.Report report = run(pipeline("fraud-scorer", new MicroBatcher(models, MicroBatcher.Options.DEFAULT)),
                event.toString());

        assertThat(report.count(InferencePipeline.Fate.COMPLETED)).isEqualTo(1);
        List<SpanData> spans = exporter.getFinishedSpanItems();
        assertThat(one(spans, "invoke cpu-batch").getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(one(spans, "request").getKind()).isEqualTo(SpanKind.CONSUMER);
        for (String method : List.of("HeadObject", "GetObject")) {
            assertThat(call(spans, "S3", method).getParentSpanId()).as(method).isEqualTo(one(spans, "claim check").getSpanId());
        }
        SpanData put = call(spans, "DynamoDb", "PutItem");
        assertThat(put.getParentSpanId()).isEqualTo(one(spans, "dynamodb write").getSpanId());
        assertThat(put.getAttributes().get(TABLES)).containsExactly(CacheTables.RESULTS);
        assertThat(put.getAttributes().get(REQUEST_ID)).isNotBlank();
        SpanData publish = call(spans, "EventBridge", "PutEvents");
        assertThat(publish.getParentSpanId()).isEqualTo(one(spans, "publish").getSpanId());
    }

    @Test
    void anEndpointCallIsASageMakerRuntimeClientSpanBelowItsBatchSpan() throws Exception {
        String body = event("document-embedder-1.json", "map-gpu-" + System.nanoTime()).toString();
        Clock clock = Clock.systemUTC();

        InferencePipeline.Report report = run(pipeline("document-embedder", new EndpointForwarder(sageMaker, services.s3(),
                PipelineServices.BUCKET, services.store(), codec, clock)), body);

        assertThat(report.count(InferencePipeline.Fate.COMPLETED)).isEqualTo(1);
        List<SpanData> spans = exporter.getFinishedSpanItems();
        SpanData invoke = call(spans, "SageMakerRuntime", "InvokeEndpoint");
        assertThat(invoke.getParentSpanId()).isEqualTo(spans.stream().filter(s -> s.getName().startsWith("endpoint call "))
                .findFirst().orElseThrow().getSpanId());
    }

    private static SpanData one(List<SpanData> spans, String name) {
        List<SpanData> named = spans.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(named).as("spans named %s among %s", name, spans.stream().map(SpanData::getName).toList()).hasSize(1);
        return named.getFirst();
    }

    /** The one span of {@code service}'s {@code method}, checked for what X-Ray needs to draw it as that AWS service. */
    private static SpanData call(List<SpanData> spans, String service, String method) {
        List<SpanData> calls = spans.stream().filter(s -> method.equals(s.getAttributes().get(RPC_METHOD))
                && service.equals(s.getAttributes().get(RPC_SERVICE))).toList();
        assertThat(calls).as("%s.%s among %s", service, method, spans.stream().map(SpanData::getName).toList()).hasSize(1);
        SpanData call = calls.getFirst();
        assertThat(call.getKind()).as(call.getName()).isEqualTo(SpanKind.CLIENT);
        assertThat(call.getAttributes().get(RPC_SYSTEM)).as(call.getName()).isEqualTo("aws-api");
        assertThat(call.getAttributes().get(REGION)).as(call.getName()).isEqualTo("us-east-1");
        return call;
    }
}
