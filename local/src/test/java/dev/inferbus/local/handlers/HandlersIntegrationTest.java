package dev.inferbus.local.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import static dev.inferbus.local.cloud.Eventually.await;
import static dev.inferbus.local.handlers.CloudProbe.detail;
import static dev.inferbus.local.handlers.CloudProbe.entry;
import static dev.inferbus.local.cloud.Eventually.sleep;

import dev.inferbus.events.samples.SampleEvents;
import dev.inferbus.functions.config.FunctionConfig;
import dev.inferbus.functions.handler.FunctionRuntime;
import dev.inferbus.functions.handler.KinesisBatchHandler;
import dev.inferbus.functions.handler.SqsBatchHandler;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.inferbus.functions.results.LargeOutputs;
import dev.inferbus.local.cloud.CloudBackend;
import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.cloud.LocalCloudExtension;
import dev.inferbus.local.cloud.LocalFunctions;
import dev.inferbus.local.lambda.LocalContext;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/** The real handlers on the embedded local cloud, end to end through PutEvents. */
@ExtendWith(LocalCloudExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HandlersIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalCloud cloud;
    private final LocalFunctions functions = new LocalFunctions();
    private CloudProbe probe;
    private final Set<String> flaky = ConcurrentHashMap.newKeySet();
    private final AtomicInteger injectedFailures = new AtomicInteger();
    private final Set<String> unpublishable = ConcurrentHashMap.newKeySet();
    private final AtomicInteger publishFailures = new AtomicInteger();
    private final AtomicInteger s3Outage = new AtomicInteger();

    @BeforeAll
    void attachTheRealHandlers(CloudBackend backend) {
        cloud = ((dev.inferbus.local.cloud.EmbeddedBackend) backend).cloud();
        functions.attachFunctions(cloud, "../samples/catalog.yaml");
        probe = new CloudProbe(cloud, "test-results");
    }

    @AfterAll
    void close() {
        functions.close();
    }

    @Test
    void everyCpuRouteCompletesEndToEndWithOneRowAndOneEvent() {
        List<SampleEvents.Sample> samples = SampleEvents.valid().stream()
                .filter(s -> List.of("fraud-scorer", "sentence-embedder", "sensor-anomaly").contains(s.model())).toList();
        for (SampleEvents.Sample s : samples) {
            probe.put(s.event().path("detail"));
        }

        for (SampleEvents.Sample s : samples) {
            Map<String, AttributeValue> row = probe.awaitRow(s.requestId());
            assertThat(row.get("status").s()).as(s.name()).isEqualTo("COMPLETED");
            assertThat(row.get("expiresAt").n()).isNotBlank();
        }
        await(() -> samples.stream().allMatch(s -> probe.eventsFor(s.requestId()).size() == 1));
        JsonNode completed = probe.eventsFor("txn-0001").get(0);
        assertThat(completed.path("detail-type").asText()).isEqualTo("InferenceCompleted");
        assertThat(completed.path("detail").path("attributes").path("merchant").asText()).isEqualTo("grocer-17");
        assertThat(completed.path("detail").path("traceparent").asText()).startsWith("00-4bf92f35");
        assertThat(completed.path("detail").path("endToEndMs").asDouble()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void aMixedSqsBatchCompletesTheGoodAndFailsTheBadWithNoneRedelivered() {
        List<PutEventsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            entries.add(entry(detail("mix-good-" + i, "sentence-embedder", JSON.createObjectNode().put("text", "sentence " + i))));
        }
        entries.add(entry(detail("mix-bad-0", "sentence-embedder", JSON.createObjectNode().put("text", 7))));
        entries.add(entry(detail("mix-bad-1", "sentence-embedder", JSON.createObjectNode().put("text", ""))));
        entries.add(entry(detail("mix-bad-2", "sentence-embedder", JSON.createObjectNode().put("words", "x"))));
        cloud.clients().events().putEvents(b -> b.entries(entries));

        for (int i = 0; i < 5; i++) {
            assertThat(probe.awaitRow("mix-good-" + i).get("status").s()).isEqualTo("COMPLETED");
        }
        assertThat(probe.awaitRow("mix-bad-0").get("errorMessage").s()).startsWith("/detail/input/text: expected a string");
        assertThat(probe.awaitRow("mix-bad-1").get("errorCode").s()).isEqualTo("INVALID_INPUT");
        assertThat(probe.awaitRow("mix-bad-2").get("errorMessage").s()).startsWith("/detail/input/text: required");
        await(() -> probe.eventsFor("mix-").size() == 8);
        sleep(Duration.ofSeconds(4)); // longer than the visibility timeout: a redelivery would show now
        assertThat(probe.eventsFor("mix-")).hasSize(8);
        assertThat(probe.queueDepth("inferbus-cpu-batch-dlq")).isZero();
    }

    @Test
    void theSameRequestDeliveredTwiceMakesOneRowAndOneEvent() {
        ObjectNode detail = detail("dup-1", "fraud-scorer", (ObjectNode) sampleInput("fraud-scorer-legit-grocery"));
        probe.put(detail);
        probe.put(detail);

        probe.awaitRow("dup-1");
        await(() -> probe.eventsFor("dup-1").size() >= 1);
        sleep(Duration.ofSeconds(2));
        assertThat(probe.eventsFor("dup-1")).hasSize(1);
    }

    @Test
    void aDynamoDbWriteFailureRetriesExactlyThoseRecordsWhichCompleteOnRedelivery() {
        int before = injectedFailures.get();
        withFaultyBatchFunction(new FailFirstPut(), () -> {
            flaky.addAll(List.of("flaky-1", "flaky-3"));
            List<PutEventsRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                entries.add(entry(detail("flaky-" + i, "sentence-embedder", JSON.createObjectNode().put("text", "text " + i))));
            }
            cloud.clients().events().putEvents(b -> b.entries(entries));

            for (int i = 0; i < 4; i++) {
                assertThat(probe.awaitRow("flaky-" + i).get("status").s()).isEqualTo("COMPLETED");
            }
            await(() -> probe.eventsFor("flaky-").size() == 4);
            sleep(Duration.ofSeconds(1));
            assertThat(injectedFailures.get() - before).isEqualTo(2);
            assertThat(probe.eventsFor("flaky-")).hasSize(4);
        });
    }

    @Test
    void aFailedPublishIsRetriedAndItsEventGoesOutExactlyOnce() {
        withFaultyBatchFunction(new FailFirstPublish(), () -> {
            unpublishable.add("pubfail-1");
            probe.put(detail("pubfail-1", "sentence-embedder", JSON.createObjectNode().put("text", "publish me once")));
            probe.put(detail("pubfail-2", "sentence-embedder", JSON.createObjectNode().put("text", "and me")));

            await(() -> probe.eventsFor("pubfail-").size() == 2);
            assertThat(probe.awaitRow("pubfail-1").get("status").s()).isEqualTo("COMPLETED");
            await(() -> Boolean.TRUE.equals(probe.awaitRow("pubfail-1").get("published").bool()));
            sleep(Duration.ofSeconds(4)); // past the visibility timeout: a second publication would show now
            assertThat(probe.eventsFor("pubfail-1")).hasSize(1);
            assertThat(publishFailures.get()).isGreaterThanOrEqualTo(1);
        });
    }

    @Test
    void anS3OutageDuringAClaimCheckRetriesThatRecordWhichThenCompletes() {
        withFaultyBatchFunction(new FailS3Reads(), () -> {
            cloud.clients().s3().putObject(b -> b.bucket(LocalCloud.BUCKET).key("in/s3down-1.json"),
                    RequestBody.fromString("{\"text\":\"fetched after the outage\"}"));
            s3Outage.set(2); // two failed invocations, below the queue's maxReceiveCount of 3
            probe.put(refDetail("s3down-1", "s3://" + LocalCloud.BUCKET + "/in/s3down-1.json"));
            probe.put(detail("s3down-2", "sentence-embedder", JSON.createObjectNode().put("text", "needs no S3")));

            assertThat(probe.awaitRow("s3down-2").get("status").s()).isEqualTo("COMPLETED");
            assertThat(probe.awaitRow("s3down-1").get("status").s()).isEqualTo("COMPLETED");
            await(() -> probe.eventsFor("s3down-").size() == 2);
            assertThat(s3Outage.get()).isLessThanOrEqualTo(0);
        });
    }

    @Test
    void aHandlerCrashMidBatchIsRedeliveredAndCompletesTheRestWithoutDuplicates() {
        FunctionRuntime runtime = functions.runtimes().stream()
                .filter(r -> r.modelIds().contains("sentence-embedder")).findFirst().orElseThrow();
        SqsBatchHandler real = new SqsBatchHandler(runtime);
        AtomicInteger crashes = new AtomicInteger();
        // the first batch holding crash-* records: handle half of it for real, then die as a killed invocation would
        cloud.attach("cpu-batch", (com.amazonaws.services.lambda.runtime.RequestHandler<SQSEvent, SQSBatchResponse>) (event, context) -> {
            boolean ours = event.getRecords().stream().anyMatch(m -> m.getBody().contains("\"crash-"));
            if (ours && crashes.getAndIncrement() == 0) {
                SQSEvent half = new SQSEvent();
                half.setRecords(event.getRecords().subList(0, event.getRecords().size() / 2));
                real.handleRequest(half, context);
                throw new IllegalStateException("crashed mid-batch");
            }
            return real.handleRequest(event, context);
        });
        try {
            List<PutEventsRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                entries.add(entry(detail("crash-" + i, "sentence-embedder", JSON.createObjectNode().put("text", "crash text " + i))));
            }
            cloud.clients().events().putEvents(b -> b.entries(entries));

            for (int i = 0; i < 6; i++) {
                assertThat(probe.awaitRow("crash-" + i).get("status").s()).isEqualTo("COMPLETED");
            }
            await(() -> probe.eventsFor("crash-").size() >= 6);
            sleep(Duration.ofSeconds(4));
            assertThat(crashes.get()).isGreaterThanOrEqualTo(2);
            assertThat(probe.eventsFor("crash-")).hasSize(6);
        } finally {
            functions.attachFunctions(cloud, "../samples/catalog.yaml");
        }
    }

    @Test
    void kinesisResultsCompleteInOrderPerPartitionKey() {
        assertEachDeviceCompletesInOrder(List.of("order-a", "order-b", "order-c"));
    }

    @Test
    void aFailedWriteHoldsBackTheRecordsBehindItOfTheSameKeySoOrderSurvivesTheRetry() {
        int before = injectedFailures.get();
        withFaultyFunction("cpu-stream", KinesisBatchHandler::new, new FailFirstPut(), () -> {
            flaky.add("held-a-3");
            assertEachDeviceCompletesInOrder(List.of("held-a", "held-b"));
            assertThat(injectedFailures.get() - before).isEqualTo(1);
            await(() -> probe.eventsFor("held-").size() == 20);
        });
    }

    /** Puts ten sensor windows per device, interleaved, keyed by device; each device's rows must end in order. */
    private void assertEachDeviceCompletesInOrder(List<String> devices) {
        List<PutEventsRequestEntry> entries = new ArrayList<>();
        for (int seq = 0; seq < 10; seq++) {
            for (String device : devices) {
                ObjectNode detail = detail(device + "-" + seq, "sensor-anomaly", (ObjectNode) sampleInput("sensor-anomaly-normal-pump-7"));
                detail.put("partitionKey", device);
                entries.add(entry(detail));
            }
        }
        for (int from = 0; from < entries.size(); from += 10) {
            List<PutEventsRequestEntry> ten = entries.subList(from, from + 10);
            cloud.clients().events().putEvents(b -> b.entries(ten));
        }
        for (String device : devices) {
            List<Long> completed = new ArrayList<>();
            for (int seq = 0; seq < 10; seq++) {
                completed.add(Long.parseLong(probe.awaitRow(device + "-" + seq).get("completedAt").n()));
            }
            assertThat(completed).as(device).isSorted();
        }
    }

    @Test
    void claimChecksComeFromTheConfiguredBucketOnly() {
        cloud.clients().s3().putObject(b -> b.bucket(LocalCloud.BUCKET).key("in/cc-1.json"),
                RequestBody.fromString("{\"text\":\"a claim-checked sentence\"}"));
        probe.put(refDetail("cc-1", "s3://" + LocalCloud.BUCKET + "/in/cc-1.json"));
        probe.put(refDetail("cc-2", "s3://someone-elses-bucket/in/cc-1.json"));
        probe.put(refDetail("cc-3", "s3://" + LocalCloud.BUCKET + "/in/missing.json"));

        assertThat(probe.awaitRow("cc-1").get("status").s()).isEqualTo("COMPLETED");
        assertThat(probe.awaitRow("cc-2").get("errorMessage").s())
                .isEqualTo("/detail/inputRef: claim checks must live in bucket 'inferbus-payloads', not 'someone-elses-bucket'");
        assertThat(probe.awaitRow("cc-3").get("errorCode").s()).isEqualTo("INPUT_NOT_FOUND");
    }

    @Test
    void outputsOverTheInlineLimitGoToS3() {
        var aws = new dev.inferbus.functions.config.AwsServices(FunctionConfig.from(
                LocalFunctions.environment(cloud, "cpu-batch", "../samples/catalog.yaml")));
        try {
            String big = "{\"embedding\":[" + "0.123456789,".repeat(4000) + "0]}";
            assertThat(LargeOutputs.tooLarge(big)).isTrue();

            String ref = new LargeOutputs(aws.s3(), LocalCloud.BUCKET).store("big-1", big).join();

            assertThat(ref).isEqualTo("s3://inferbus-payloads/results/big-1.json");
            assertThat(cloud.clients().s3().getObjectAsBytes(b -> b.bucket(LocalCloud.BUCKET).key("results/big-1.json")).asUtf8String())
                    .isEqualTo(big);
        } finally {
            aws.close();
        }
    }

    @Test
    void theSqsHandlerTakesALambdaSqsEventFixture() {
        FunctionRuntime runtime = functions.runtimes().stream()
                .filter(r -> r.modelIds().contains("sentence-embedder")).findFirst().orElseThrow();
        SQSEvent event = EventLoader.loadSQSEvent("events/sqs-mixed-batch.json");

        SQSBatchResponse response = new SqsBatchHandler(runtime).handleRequest(event, new LocalContext("cpu-batch", 60, 2048));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(probe.awaitRow("fixture-ok-1").get("status").s()).isEqualTo("COMPLETED");
        assertThat(probe.awaitRow("fixture-bad-1").get("errorCode").s()).isEqualTo("INVALID_INPUT");
        assertThat(probe.awaitRow("invalid:sqs-fixture-3").get("errorMessage").s()).startsWith("/: not valid JSON");
    }

    @Test
    void primingRunsARealInferenceAndARestoredRuntimeStillServes() {
        FunctionRuntime runtime = functions.runtimes().stream()
                .filter(r -> r.modelIds().contains("sentence-embedder")).findFirst().orElseThrow();
        List<JsonNode> primed = runtime.prime();
        assertThat(primed).hasSize(1);
        assertThat(primed.get(0).path("dim").asInt()).isEqualTo(384);

        runtime.beforeCheckpoint(null);
        runtime.afterRestore(null);
        probe.put(detail("restored-1", "sentence-embedder", JSON.createObjectNode().put("text", "after the restore")));
        assertThat(probe.awaitRow("restored-1").get("status").s()).isEqualTo("COMPLETED");
    }

    /** Fails the first PutItem of each flaky requestId with a 500, as a DynamoDB outage would. */
    private final class FailFirstPut implements ExecutionInterceptor {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof PutItemRequest put) {
                String id = put.item().get("requestId").s();
                if (flaky.remove(id)) {
                    injectedFailures.incrementAndGet();
                    throw DynamoDbException.builder().statusCode(500).message("injected failure for " + id).build();
                }
            }
        }
    }

    /** Fails the first four PutEvents calls naming an unpublishable requestId: one invocation's whole retry budget. */
    private final class FailFirstPublish implements ExecutionInterceptor {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof PutEventsRequest request
                    && request.entries().stream().anyMatch(e -> unpublishable.stream().anyMatch(id -> e.detail().contains("\"" + id + "\"")))
                    && publishFailures.getAndIncrement() < 4) {
                throw EventBridgeException.builder().statusCode(500).message("injected outage").build();
            }
        }
    }

    /** Fails S3 reads with a 503 while the outage counter is positive, as an S3 brown-out would. */
    private final class FailS3Reads implements ExecutionInterceptor {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if ((context.request() instanceof HeadObjectRequest || context.request() instanceof GetObjectRequest)
                    && s3Outage.getAndDecrement() > 0) {
                throw S3Exception.builder().statusCode(503).message("injected S3 outage").build();
            }
        }
    }

    /** Runs {@code test} with the batch function's AWS calls going through {@code fault}, then restores it. */
    private void withFaultyBatchFunction(ExecutionInterceptor fault, Runnable test) {
        withFaultyFunction("cpu-batch", SqsBatchHandler::new, fault, test);
    }

    /** Runs {@code test} with a function's AWS calls going through {@code fault}, then restores the functions. */
    private void withFaultyFunction(String function, java.util.function.Function<FunctionRuntime, RequestHandler<?, ?>> handler,
                                    ExecutionInterceptor fault, Runnable test) {
        FunctionRuntime faulty = new FunctionRuntime(FunctionConfig.from(LocalFunctions.environment(cloud, function, "../samples/catalog.yaml")),
                List.of(fault));
        cloud.attach(function, handler.apply(faulty));
        try {
            test.run();
        } finally {
            functions.attachFunctions(cloud, "../samples/catalog.yaml");
            faulty.close();
        }
    }

    private static ObjectNode refDetail(String requestId, String ref) {
        return JSON.createObjectNode().put("requestId", requestId).put("model", "sentence-embedder").put("inputRef", ref);
    }

    private static JsonNode sampleInput(String name) {
        return SampleEvents.valid().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow()
                .event().path("detail").path("input").deepCopy();
    }

}
