package dev.inferbus.local.handlers;

import dev.inferbus.events.results.Status;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.results.ResultRow;
import dev.inferbus.events.results.ResultsTable;
import static dev.inferbus.local.cloud.Eventually.await;
import static dev.inferbus.local.cloud.Eventually.sleep;
import static dev.inferbus.local.handlers.CloudProbe.detail;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.samples.SampleEvents;
import dev.inferbus.functions.config.FunctionConfig;
import dev.inferbus.functions.results.LargeOutputs;
import dev.inferbus.local.cloud.ClientIdentity;
import dev.inferbus.local.cloud.CloudBackend;
import dev.inferbus.local.cloud.EmbeddedBackend;
import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.cloud.LocalCloudExtension;
import dev.inferbus.local.faults.AwsErrors;
import dev.inferbus.local.faults.FaultRule;
import dev.inferbus.local.handlers.CloudProbe.Tap;
import dev.inferbus.local.lambda.LambdaEvents;
import dev.inferbus.local.lambda.runtime.EnvironmentState;
import dev.inferbus.local.lambda.runtime.EnvironmentStats;
import dev.inferbus.local.lambda.runtime.FunctionPool;
import dev.inferbus.local.lambda.runtime.InvocationResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * The deployed functions on the embedded local cloud, end to end through PutEvents: each one runs as execution
 * environments of its deployment zip, and the tests reach it only as AWS would — through the bus and its event
 * sources, by invoking it with an event's JSON, by faults of the services it calls (the fault proxies in front of
 * DynamoDB and S3, the PutEvents endpoint), or by killing one of its environments.
 */
@ExtendWith(LocalCloudExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HandlersIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalCloud cloud;
    private CloudProbe probe;

    @BeforeAll
    void theDeployedFunctions(CloudBackend backend) {
        cloud = ((EmbeddedBackend) backend).cloud();
        CloudProbe.restoreDeployedFunctions(cloud);
        probe = new CloudProbe(cloud, "test-results");
    }

    /** Every fault ends with its test, and the deployed functions are back behind their mappings. */
    @AfterEach
    void noFaults() {
        cloud.dynamoDbFaults().clearRules();
        cloud.s3Faults().clearRules();
        cloud.putEvents().failResultEntries(0);
        CloudProbe.restoreDeployedFunctions(cloud);
    }

    @Test
    void everyCpuRouteCompletesEndToEndWithOneRowAndOneEvent() {
        List<SampleEvents.Sample> samples = SampleEvents.valid().stream()
                .filter(s -> List.of("fraud-scorer", "sentence-embedder", "sensor-anomaly", "fraud-scorer-raw", "sensor-anomaly-raw")
                        .contains(s.model())).toList();
        for (SampleEvents.Sample s : samples) {
            probe.put(s.event().path("detail"));
        }

        for (SampleEvents.Sample s : samples) {
            ResultRow row = probe.awaitRow(s.requestId());
            assertThat(row.status()).as(s.name()).isEqualTo(Status.COMPLETED);
            assertThat(cloud.clients().dynamoDb().getItem(b -> b.tableName(cloud.tableName())
                    .key(Map.of(ResultsTable.KEY, AttributeValue.fromS(s.requestId())))).item()).containsKey(ResultsTable.TTL);
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
        List<ObjectNode> details = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            details.add(detail("mix-good-" + i, "sentence-embedder", JSON.createObjectNode().put("text", "sentence " + i)));
        }
        details.add(detail("mix-bad-0", "sentence-embedder", JSON.createObjectNode().put("text", 7)));
        details.add(detail("mix-bad-1", "sentence-embedder", JSON.createObjectNode().put("text", "")));
        details.add(detail("mix-bad-2", "sentence-embedder", JSON.createObjectNode().put("words", "x")));
        probe.putAll(details);

        for (int i = 0; i < 5; i++) {
            assertThat(probe.awaitRow("mix-good-" + i).status()).isEqualTo(Status.COMPLETED);
        }
        assertThat(probe.awaitRow("mix-bad-0").errorMessage()).startsWith("/detail/input/text: expected a string");
        assertThat(probe.awaitRow("mix-bad-1").errorCode()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(probe.awaitRow("mix-bad-2").errorMessage()).startsWith("/detail/input/text: required");
        await(() -> probe.eventsFor("mix-").size() == 8);
        sleep(Duration.ofSeconds(4)); // longer than the visibility timeout: a redelivery would show now
        assertThat(probe.eventsFor("mix-")).hasSize(8);
        assertThat(probe.queueDepth(cloud.deadLetterQueueUrl("cpu-batch"))).isZero();
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
        Tap batch = tap("cpu-batch", invocation -> { });
        for (String flaky : List.of("flaky-1", "flaky-3")) {
            cloud.dynamoDbFaults().addRule(failFirstPutOf(flaky));
        }
        List<ObjectNode> details = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            details.add(detail("flaky-" + i, "sentence-embedder", JSON.createObjectNode().put("text", "text " + i)));
        }
        probe.putAll(details);

        for (int i = 0; i < 4; i++) {
            assertThat(probe.awaitRow("flaky-" + i).status()).isEqualTo(Status.COMPLETED);
        }
        await(() -> probe.eventsFor("flaky-").size() == 4);
        sleep(Duration.ofSeconds(1));
        assertThat(injected("put-flaky-1") + injected("put-flaky-3")).isEqualTo(2);
        assertThat(probe.eventsFor("flaky-")).hasSize(4);
        // the function handed back exactly the two records whose write failed, each once, and nothing else
        assertThat(batch.handedBack()).filteredOn(id -> id.startsWith("flaky-")).containsExactlyInAnyOrder("flaky-1", "flaky-3");
        assertThat(batch.handedBack("flaky-1")).isEqualTo(1);
        assertThat(batch.handedBack("flaky-3")).isEqualTo(1);
    }

    /**
     * A result write lands but its answer is lost (a 500 after the write): the SDK retries the PutItem, whose
     * condition then fails on the row this very delivery wrote. The delivery must know the row as its own and
     * announce it — not take it for another delivery's and wait out its own publish lease until its retries are
     * spent (found by the soak once faults moved to the service).
     */
    @Test
    void aWriteWhoseAnswerWasLostIsRecognisedAsItsOwnAndAnnouncedOnce() {
        cloud.dynamoDbFaults().addRule(FaultRule.dynamoDbInternalServerError().name("lost-answer-ownwrite-1").after()
                .when(r -> r.operation().equals("PutItem") && r.bodyContains("\"ownwrite-1\""))
                .maxCount(1).build());
        probe.put(detail("ownwrite-1", "fraud-scorer", JSON.valueToTree(java.util.Map.of("features", java.util.Map.of(
                "amount", 12.5, "hour", 14, "merchantRisk", 0.1, "distanceKm", 3, "txnLast24h", 2, "cardAgeDays", 900,
                "foreign", 0, "online", 0)))));

        assertThat(probe.awaitRow("ownwrite-1").status()).isEqualTo(Status.COMPLETED);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (probe.eventsFor("ownwrite-1").isEmpty() && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(100));
        }
        // well inside the 15 s publish lease: the event came from the delivery that wrote the row
        assertThat(probe.eventsFor("ownwrite-1")).hasSize(1);
        assertThat(injected("lost-answer-ownwrite-1")).isEqualTo(1);
        sleep(Duration.ofSeconds(1));
        assertThat(probe.eventsFor("ownwrite-1")).hasSize(1);
    }

    @Test
    void aFailedPublishIsRetriedAndItsEventGoesOutExactlyOnce() {
        long before = cloud.putEvents().injectedFailures();
        // EventBridge fails every result entry (FailedEntryCount > 0) for as long as the first invocation holding
        // pubfail-1 runs: its publisher's whole retry budget; the outage ends before the record can come back
        Tap batch = tap("cpu-batch", invocation -> {
            if (invocation.carries("pubfail-1")) {
                cloud.putEvents().failResultEntries(0);
            }
        });
        cloud.putEvents().failResultEntries(1.0);
        probe.put(detail("pubfail-1", "sentence-embedder", JSON.createObjectNode().put("text", "publish me once")));
        await(() -> !batch.carrying("pubfail-1").isEmpty());
        probe.put(detail("pubfail-2", "sentence-embedder", JSON.createObjectNode().put("text", "and me")));

        await(() -> probe.eventsFor("pubfail-").size() == 2);
        assertThat(probe.awaitRow("pubfail-1").status()).isEqualTo(Status.COMPLETED);
        await(() -> probe.published("pubfail-1"));
        sleep(Duration.ofSeconds(4)); // past the visibility timeout: a second publication would show now
        assertThat(probe.eventsFor("pubfail-1")).hasSize(1);
        assertThat(cloud.putEvents().injectedFailures() - before).isGreaterThanOrEqualTo(1);
        // its row was written, its event was not: the record went back to the queue for the event
        assertThat(batch.carrying("pubfail-1").get(0).handedBack()).contains("pubfail-1");
        assertThat(batch.deliveries("pubfail-1")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void anS3OutageDuringAClaimCheckRetriesThatRecordWhichThenCompletes() {
        String key = "in/s3down-1.json";
        cloud.clients().s3().putObject(b -> b.bucket(cloud.bucketName()).key(key),
                RequestBody.fromString("{\"text\":\"fetched after the outage\"}"));
        // S3 answers 503 to every request for the object (the SDK's retries included) for two invocations, below
        // the queue's maxReceiveCount of 3; then the outage is over
        cloud.s3Faults().addRule(FaultRule.builder("s3down")
                .reply(AwsErrors.s3(503, "ServiceUnavailable", "Service is unable to handle request."))
                .when(r -> r.path().endsWith("/" + key)).build());
        AtomicInteger failedInvocations = new AtomicInteger();
        Tap batch = tap("cpu-batch", invocation -> {
            if (invocation.handedBack().contains("s3down-1") && failedInvocations.incrementAndGet() == 2) {
                cloud.s3Faults().removeRule("s3down");
            }
        });
        probe.put(refDetail("s3down-1", "s3://" + cloud.bucketName() + "/" + key));
        probe.put(detail("s3down-2", "sentence-embedder", JSON.createObjectNode().put("text", "needs no S3")));

        assertThat(probe.awaitRow("s3down-2").status()).isEqualTo(Status.COMPLETED);
        assertThat(probe.awaitRow("s3down-1").status()).isEqualTo(Status.COMPLETED);
        await(() -> probe.eventsFor("s3down-").size() == 2);
        assertThat(failedInvocations.get()).isEqualTo(2);
        assertThat(batch.deliveries("s3down-1")).isGreaterThanOrEqualTo(3);
        assertThat(batch.handedBack("s3down-2")).isZero();
    }

    @Test
    void aHandlerCrashMidBatchIsRedeliveredAndCompletesTheRestWithoutDuplicates() {
        FunctionPool function = cloud.function("cpu-batch");
        probe.awaitIdle("cpu-batch"); // the only busy environment will be the one this test kills
        Set<String> secondHalf = ConcurrentHashMap.newKeySet();
        Set<Long> killed = ConcurrentHashMap.newKeySet();
        AtomicReference<InvocationResult> firstHalf = new AtomicReference<>();
        AtomicReference<InvocationResult> crashed = new AtomicReference<>();
        // The first write of the second half's rows reaches the DynamoDB proxy: the environment making it is
        // SIGKILLed before it gets an answer. The first half is complete by then; nothing of the second half landed.
        cloud.dynamoDbFaults().addRule(FaultRule.dynamoDbInternalServerError().name("crash-writes")
                .when(r -> r.operation().equals("PutItem") && secondHalf.stream().anyMatch(id -> r.bodyContains("\"" + id + "\"")))
                .reply(request -> {
                    for (EnvironmentStats environment : function.stats()) {
                        if (environment.state() == EnvironmentState.BUSY && function.kill(environment.pid())) {
                            killed.add(environment.pid());
                        }
                    }
                    return AwsErrors.dynamoDbInternalServerError().answer(request);
                })
                .build());
        Object oneAtATime = new Object();
        Tap batch = new Tap(cloud, "cpu-batch", (payload, deployed) -> {
            // one invocation in flight at a time, so that the busy environment is the one writing the second half
            synchronized (oneAtATime) {
                List<String> items = new ArrayList<>(Tap.requestIdsByItem(payload).values());
                boolean ours = items.stream().filter(id -> id.startsWith("crash-")).count() >= 2;
                if (!ours || crashed.get() != null) {
                    return deployed.invoke(payload);
                }
                // the first batch holding crash-* records: its first half completes for real (a batch of its own),
                // then the whole batch is invoked and dies as a killed environment does, mid-batch
                int half = items.size() / 2;
                firstHalf.set(deployed.invoke(records(payload, 0, half)));
                secondHalf.addAll(items.subList(half, items.size()));
                InvocationResult result = deployed.invoke(payload);
                crashed.set(result);
                cloud.dynamoDbFaults().removeRule("crash-writes");
                return result;
            }
        }, invocation -> { });
        cloud.replaceFunction("cpu-batch", batch);
        List<ObjectNode> details = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            details.add(detail("crash-" + i, "sentence-embedder", JSON.createObjectNode().put("text", "crash text " + i)));
        }
        probe.putAll(details);

        for (int i = 0; i < 6; i++) {
            assertThat(probe.awaitRow("crash-" + i).status()).isEqualTo(Status.COMPLETED);
        }
        await(() -> probe.eventsFor("crash-").size() >= 6);
        sleep(Duration.ofSeconds(4));
        assertThat(firstHalf.get()).isInstanceOfSatisfying(InvocationResult.Success.class,
                s -> assertThat(LambdaEvents.batchItemFailures(s.payload())).isEmpty());
        assertThat(crashed.get()).isInstanceOfSatisfying(InvocationResult.Crashed.class, c -> assertThat(c.exitCode()).isEqualTo(137));
        assertThat(killed).hasSize(1);
        assertThat(batch.carrying("crash-").size()).isGreaterThanOrEqualTo(2);
        assertThat(probe.eventsFor("crash-")).hasSize(6);
    }

    @Test
    void kinesisResultsCompleteInOrderPerPartitionKey() {
        assertEachDeviceCompletesInOrder(List.of("order-a", "order-b", "order-c"));
    }

    @Test
    void aFailedWriteHoldsBackTheRecordsBehindItOfTheSameKeySoOrderSurvivesTheRetry() {
        Tap stream = tap("cpu-stream", invocation -> { });
        cloud.dynamoDbFaults().addRule(failFirstPutOf("held-a-3"));

        assertEachDeviceCompletesInOrder(List.of("held-a", "held-b"));
        assertThat(injected("put-held-a-3")).isEqualTo(1);
        await(() -> probe.eventsFor("held-").size() == 20);
        // handed back: the record whose write failed and, of its key only, those behind it
        Set<String> handedBack = stream.handedBack();
        assertThat(handedBack).contains("held-a-3");
        assertThat(handedBack).filteredOn(id -> id.startsWith("held-"))
                .allSatisfy(id -> assertThat(id).matches("held-a-[3-9]"));
    }

    /** Puts ten sensor windows per device, interleaved, keyed by device; each device's rows must end in order. */
    private void assertEachDeviceCompletesInOrder(List<String> devices) {
        List<ObjectNode> details = new ArrayList<>();
        for (int seq = 0; seq < 10; seq++) {
            for (String device : devices) {
                ObjectNode detail = detail(device + "-" + seq, "sensor-anomaly", (ObjectNode) sampleInput("sensor-anomaly-normal-pump-7"));
                detail.put("partitionKey", device);
                details.add(detail);
            }
        }
        probe.putAll(details);
        for (String device : devices) {
            List<Long> completed = new ArrayList<>();
            for (int seq = 0; seq < 10; seq++) {
                completed.add(probe.awaitRow(device + "-" + seq).completedAtMillis());
            }
            assertThat(completed).as(device).isSorted();
        }
    }

    /**
     * A requestId names one request: a redelivery of it is a duplicate, a different request under it is refused
     * with REQUEST_ID_CONFLICT — announced, not retried — and the first request's row stands untouched, whichever
     * function (here another model's route) the second one reached.
     */
    @Test
    void aRequestIdReusedForADifferentRequestIsRefusedAndTheFirstStands() {
        ObjectNode first = detail("conflict-1", "fraud-scorer", (ObjectNode) sampleInput("fraud-scorer-legit-grocery"));
        probe.put(first);
        ResultRow stored = probe.awaitRow("conflict-1");
        await(() -> probe.eventsFor("conflict-1").size() == 1);

        probe.put(detail("conflict-1", "sentence-embedder", JSON.createObjectNode().put("text", "another request entirely")));
        probe.put(detail("conflict-1", "fraud-scorer", (ObjectNode) sampleInput("fraud-scorer-suspicious-night-foreign")));
        await(() -> probe.eventsFor("conflict-1").size() == 3);
        probe.put(first);
        sleep(Duration.ofSeconds(3));

        List<JsonNode> events = probe.eventsFor("conflict-1");
        assertThat(events).hasSize(3);
        assertThat(events.get(0).path("detail-type").asText()).isEqualTo("InferenceCompleted");
        for (JsonNode refused : events.subList(1, 3)) {
            assertThat(refused.path("detail-type").asText()).isEqualTo("InferenceFailed");
            assertThat(refused.path("detail").path("errorCode").asText()).isEqualTo(ErrorCode.REQUEST_ID_CONFLICT.name());
            assertThat(refused.path("detail").path("retryable").asBoolean(true)).isFalse();
            assertThat(refused.path("detail").path("message").asText()).contains("'conflict-1'").contains("first request stands");
        }
        assertThat(probe.awaitRow("conflict-1")).isEqualTo(stored);
    }

    @Test
    void claimChecksComeFromTheConfiguredBucketOnly() {
        String bucket = cloud.bucketName();
        cloud.clients().s3().putObject(b -> b.bucket(bucket).key("in/cc-1.json"),
                RequestBody.fromString("{\"text\":\"a claim-checked sentence\"}"));
        probe.put(refDetail("cc-1", "s3://" + bucket + "/in/cc-1.json"));
        probe.put(refDetail("cc-2", "s3://someone-elses-bucket/in/cc-1.json"));
        probe.put(refDetail("cc-3", "s3://" + bucket + "/in/missing.json"));
        // the bucket's other keys (models, results) are no claim checks, though the function may read some of them
        probe.put(refDetail("cc-4", "s3://" + bucket + "/models/fraud-scorer/1/model.onnx"));
        // a key the function's role may not read: S3 answers 403 AccessDenied, and no retry changes that
        cloud.clients().s3().putObject(b -> b.bucket(bucket).key("in/cc-5.json"), RequestBody.fromString("{\"text\":\"hidden\"}"));
        cloud.s3Faults().addRule(FaultRule.builder("denied")
                .reply(AwsErrors.s3(403, "AccessDenied", "Access Denied"))
                .when(r -> r.path().endsWith("/in/cc-5.json")).build());
        Tap batch = tap("cpu-batch", invocation -> { });
        probe.put(refDetail("cc-5", "s3://" + bucket + "/in/cc-5.json"));

        assertThat(probe.awaitRow("cc-1").status()).isEqualTo(Status.COMPLETED);
        assertThat(probe.awaitRow("cc-2").errorMessage())
                .isEqualTo("/detail/inputRef: claim checks must live in bucket '" + bucket + "', not 'someone-elses-bucket'");
        assertThat(probe.awaitRow("cc-3").errorCode()).isEqualTo(ErrorCode.INPUT_NOT_FOUND);
        ResultRow outside = probe.awaitRow("cc-4");
        assertThat(outside.errorCode()).isEqualTo(ErrorCode.INVALID_EVENT);
        assertThat(outside.errorMessage()).startsWith("/detail/inputRef: claim checks are read only from keys under 'in/'");
        ResultRow denied = probe.awaitRow("cc-5");
        assertThat(denied.errorCode()).isEqualTo(ErrorCode.INPUT_NOT_FOUND);
        assertThat(denied.errorMessage()).contains("access denied");
        assertThat(batch.deliveries("cc-5")).isEqualTo(1);
    }

    /**
     * No model's output comes near the inline limit, so this one stores an output itself, as the functions do: with
     * the deployed batch function's configuration (its bucket, the S3 endpoint it is given).
     */
    @Test
    void outputsOverTheInlineLimitGoToS3() {
        FunctionConfig config = FunctionConfig.from(cloud.function("cpu-batch").function().environment());
        // signed as the administrator, over TLS to the gateway the function is given
        ClientIdentity identity = ClientIdentity.fromVariables(cloud.producerEnvironment());
        try (S3AsyncClient s3 = S3AsyncClient.builder().region(Region.of(config.region()))
                .endpointOverride(config.endpoint("s3").orElseThrow()).forcePathStyle(true)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().tlsTrustManagersProvider(() -> identity.trust().orElseThrow()))
                .credentialsProvider(identity.credentials()).build()) {
            String big = "{\"embedding\":[" + "0.123456789,".repeat(4000) + "0]}";
            assertThat(LargeOutputs.tooLarge(big)).isTrue();

            String ref = new LargeOutputs(s3, config.bucket()).store("big-1", big).join();

            assertThat(config.bucket()).isEqualTo(cloud.bucketName());
            assertThat(ref).isEqualTo("s3://" + cloud.bucketName() + "/" + LargeOutputs.objectKey("big-1"));
            assertThat(cloud.clients().s3().getObjectAsBytes(b -> b.bucket(cloud.bucketName()).key(LargeOutputs.objectKey("big-1"))).asUtf8String())
                    .isEqualTo(big);
        }
    }

    @Test
    void theSqsHandlerTakesALambdaSqsEventFixture() throws IOException {
        String event;
        try (InputStream in = getClass().getResourceAsStream("/events/sqs-mixed-batch.json")) {
            event = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        InvocationResult result = cloud.function("cpu-batch").invoke(event);

        assertThat(result).isInstanceOfSatisfying(InvocationResult.Success.class,
                s -> assertThat(LambdaEvents.batchItemFailures(s.payload())).isEmpty());
        assertThat(probe.awaitRow("fixture-ok-1").status()).isEqualTo(Status.COMPLETED);
        assertThat(probe.awaitRow("fixture-bad-1").errorCode()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(probe.awaitRow("invalid:sqs-fixture-3").errorMessage()).startsWith("/: not valid JSON");
    }

    /** Stands a {@link Tap} in for a deployed function until the test ends. */
    private Tap tap(String function, Consumer<Tap.Invocation> afterEach) {
        Tap tap = new Tap(cloud, function, afterEach);
        cloud.replaceFunction(function, tap);
        return tap;
    }

    /**
     * Fails the first write of a request's row with DynamoDB's TransactionConflictException (HTTP 400: "the item is
     * being modified by another transaction"): a transient failure the SDK does not retry by itself, so one strike
     * fails the write of one invocation — a retried 500 would need nine (DynamoDB's SDK attempts), whose jittered
     * backoff (seconds) outlasts the local cloud's five-second visibility timeout and gets the record redelivered
     * while the failing invocation still runs.
     */
    private static FaultRule failFirstPutOf(String requestId) {
        return FaultRule.builder("put-" + requestId)
                .reply(AwsErrors.dynamoDb(400, "TransactionConflictException",
                        "Operation was rejected because there is an ongoing transaction for the item."))
                .when(r -> r.operation().equals("PutItem") && r.bodyContains("\"" + requestId + "\""))
                .maxCount(1).build();
    }

    private long injected(String rule) {
        return cloud.dynamoDbFaults().counts(rule).injected();
    }

    /** The SQS event with only its records {@code from} (inclusive) to {@code to} (exclusive). */
    private static String records(String sqsEvent, int from, int to) {
        try {
            JsonNode event = JSON.readTree(sqsEvent);
            ObjectNode part = JSON.createObjectNode();
            ArrayNode records = part.putArray("Records");
            for (int i = from; i < to; i++) {
                records.add(event.path("Records").get(i));
            }
            return part.toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
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
