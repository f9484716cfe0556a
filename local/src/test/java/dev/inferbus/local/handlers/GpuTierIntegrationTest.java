package dev.inferbus.local.handlers;

import dev.inferbus.events.results.Status;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.results.ResultRow;
import dev.inferbus.events.results.StoredResult;
import static dev.inferbus.local.cloud.Eventually.await;
import static dev.inferbus.local.cloud.Eventually.read;
import static dev.inferbus.local.handlers.CloudProbe.JSON;
import static dev.inferbus.local.handlers.CloudProbe.detail;
import static dev.inferbus.local.handlers.CloudProbe.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.EndpointSpec;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.routing.Route;
import dev.inferbus.events.samples.SampleEvents;
import dev.inferbus.local.cloud.AwsClients;
import dev.inferbus.local.cloud.CloudBackend;
import dev.inferbus.local.cloud.EmbeddedBackend;
import dev.inferbus.local.cloud.Eventually;
import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.cloud.LocalCloudExtension;
import dev.inferbus.local.lambda.LambdaEvents;
import dev.inferbus.local.lambda.SqsEventSource;
import dev.inferbus.local.lambda.runtime.FunctionPool;
import dev.inferbus.local.lambda.runtime.InvocationResult;
import dev.inferbus.local.sagemaker.EndpointStats;
import dev.inferbus.local.sagemaker.Faults;
import dev.inferbus.local.sagemaker.SageMakerServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The gpu tier end to end: the deployed forwarders and completion function (execution environments of their zip)
 * against the local SageMaker endpoints.
 */
@ExtendWith(LocalCloudExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GpuTierIntegrationTest {

    private static final String REALTIME = "inferbus-embed";
    /** document-embedder's canary, version 2 on an endpoint of its own beside {@link #REALTIME}. */
    private static final String CANARY = "inferbus-embed-v2";
    /** The forwarder of document-embedder, whose versions run on {@link #REALTIME} and {@link #CANARY}. */
    private static final String FORWARDER = "gpu-document-embedder";

    private LocalCloud cloud;
    private SageMakerServer sageMaker;
    private CloudProbe probe;
    private ModelCatalog catalog;

    @BeforeAll
    void theDeployedFunctions(CloudBackend backend) {
        cloud = ((EmbeddedBackend) backend).cloud();
        sageMaker = cloud.sageMaker().orElseThrow();
        CloudProbe.restoreDeployedFunctions(cloud);
        probe = new CloudProbe(cloud, "gpu-test-results");
        catalog = probe.deployedCatalog();
    }

    @AfterEach
    void noFaults() {
        sageMaker.faults(Faults.NONE);
        CloudProbe.restoreDeployedFunctions(cloud);
    }

    @Test
    void aBatchOfNRecordsTakesCeilNOverMaxRequestBatchEndpointCalls() {
        EndpointSpec endpoint = catalog.find("document-embedder").orElseThrow().endpoint();
        // the endpoint's counters must see only these invocations: no redelivery of another test's requests
        probe.awaitIdle(FORWARDER);
        for (int n : new int[] {1, 16, 17, 40}) {
            sageMaker.resetStats();
            List<String> ids = IntStream.range(0, n).mapToObj(i -> "batching-" + n + "-" + i).toList();

            InvocationResult result = cloud.function(FORWARDER).invoke(sqsEvent(messages(ids, "document-embedder")));

            assertThat(result).isInstanceOfSatisfying(InvocationResult.Success.class,
                    s -> assertThat(LambdaEvents.batchItemFailures(s.payload())).isEmpty());
            EndpointStats stats = sageMaker.stats(REALTIME).orElseThrow();
            assertThat(stats.calls()).as("calls for %d records", n).isEqualTo((n + endpoint.maxRequestBatch() - 1) / endpoint.maxRequestBatch());
            assertThat(stats.inputs()).isEqualTo(n);
            for (String id : ids) {
                ResultRow row = probe.awaitRow(id);
                assertThat(row.status()).isEqualTo(Status.COMPLETED);
                assertThat(row.tier()).isEqualTo("gpu");
                JsonNode output = read(row.output());
                assertThat(output.path("dim").asInt()).isEqualTo(384);
                double norm = 0;
                for (JsonNode x : output.path("embedding")) {
                    norm += x.asDouble() * x.asDouble();
                }
                assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
            }
        }
    }

    @Test
    void callsInFlightNeverExceedTheEndpointsMaxConcurrencyUnderLoad() {
        int maxConcurrency = catalog.find("document-embedder").orElseThrow().endpoint().maxConcurrency();
        sageMaker.resetStats();
        sageMaker.faults(new Faults(200, 0, 0, 0));
        List<ObjectNode> load = IntStream.range(0, 240).mapToObj(i -> v1(detail("load-" + i, "document-embedder", text("load text " + i)))).toList();

        probe.putAll(load);

        for (int i = 0; i < load.size(); i++) {
            assertThat(probe.awaitRow("load-" + i).status()).isEqualTo(Status.COMPLETED);
        }
        EndpointStats stats = sageMaker.stats(REALTIME).orElseThrow();
        assertThat(stats.maxInFlight()).isLessThanOrEqualTo(maxConcurrency).isGreaterThan(1);
        // every text reached the endpoint (a redelivered message may bring its text twice; rows stay one per request)
        assertThat(stats.inputs()).isGreaterThanOrEqualTo(load.size());
    }

    @Test
    void eachVersionIsServedByItsOwnEndpointUnderTheForwardersGrantsForThoseEndpointsAlone() {
        probe.awaitIdle(FORWARDER);
        sageMaker.resetStats();
        List<String> versions = List.of("1", "2", "2", "1", "2", "2");
        List<String> ids = IntStream.range(0, versions.size()).mapToObj(i -> "versioned-" + i).toList();
        List<Message> records = IntStream.range(0, ids.size()).mapToObj(i -> message("m-" + ids.get(i), envelope(detail(ids.get(i),
                "document-embedder", text("the text of " + ids.get(i))).put("version", versions.get(i))))).toList();

        InvocationResult result = cloud.function(FORWARDER).invoke(sqsEvent(records));

        assertThat(result).isInstanceOfSatisfying(InvocationResult.Success.class,
                s -> assertThat(LambdaEvents.batchItemFailures(s.payload())).isEmpty());
        for (int i = 0; i < ids.size(); i++) {
            ResultRow row = probe.awaitRow(ids.get(i));
            assertThat(row.status()).as(ids.get(i)).isEqualTo(Status.COMPLETED);
            assertThat(row.version()).as(ids.get(i)).isEqualTo(versions.get(i));
        }
        assertThat(sageMaker.stats(REALTIME).orElseThrow().inputs()).isEqualTo(2);
        assertThat(sageMaker.stats(CANARY).orElseThrow().inputs()).isEqualTo(4);
        assertThat(sageMaker.stats(CANARY).orElseThrow().calls()).isEqualTo(1);
        // the template grants the forwarder its model's endpoints and no other, and the gateway enforces the template
        var forwarder = cloud.leastPrivilege().functions().get(FORWARDER);
        assertThat(forwarder.grants()).filteredOn(g -> g.action().startsWith("sagemaker:"))
                .extracting(g -> g.action() + " " + g.resource().substring(g.resource().lastIndexOf(':') + 1))
                .containsExactlyInAnyOrder("sagemaker:InvokeEndpoint endpoint/" + REALTIME, "sagemaker:InvokeEndpoint endpoint/" + CANARY);
        assertThat(forwarder.calls()).allSatisfy((call, counts) -> assertThat(counts.denied()).as(call.toString()).isZero());
    }

    @Test
    void throttledRecordsAreRetriedThroughTheQueueAndCompleteWithNoDuplicates() {
        sageMaker.resetStats();
        sageMaker.faults(new Faults(0, 1.0, 0, 0));
        List<ObjectNode> requests = IntStream.range(0, 30).mapToObj(i -> detail("throttled-" + i, "document-embedder", text("text " + i))).toList();

        probe.putAll(requests);
        // the SDK's own retries are spent on throttles: the records go back to the queue
        await(() -> sageMaker.stats(REALTIME).orElseThrow().throttled() >= 3);
        sageMaker.faults(Faults.NONE);

        for (int i = 0; i < requests.size(); i++) {
            assertThat(probe.awaitRow("throttled-" + i).status()).isEqualTo(Status.COMPLETED);
        }
        await(() -> probe.eventsFor("throttled-").size() >= requests.size());
        Eventually.sleep(java.time.Duration.ofSeconds(4)); // past the visibility timeout: any redelivery shows now
        assertThat(probe.eventsFor("throttled-")).hasSize(requests.size());
        assertThat(probe.eventsFor("throttled-")).allMatch(e -> e.path("detail-type").asText().equals("InferenceCompleted"));
        assertThat(probe.queueDepth(cloud.deadLetterQueueUrl(FORWARDER))).isZero();
    }

    @Test
    void anAsyncRequestIsPendingThenCompletedOnceEvenWhenSnsDeliversItsNotificationTwice() {
        // a stand-in takes the endpoint's notification off SNS: until the test hands it to the completion function,
        // the row stays PENDING
        AtomicReference<String> notification = new AtomicReference<>();
        cloud.replaceFunction(Route.ASYNC_COMPLETION_FUNCTION, payload -> {
            if (payload.contains("async-dup-1")) {
                notification.compareAndSet(null, payload);
            }
            return new InvocationResult.Success("null", 0);
        });
        probe.put(detail("async-dup-1", "archive-embedder", text("an archived report to embed")));
        assertThat(probe.awaitStored("async-dup-1").status()).isEqualTo(Status.PENDING);
        await(() -> probe.awaitStored("async-dup-1") instanceof StoredResult.Pending p && p.row().outputLocation() != null);
        String outputLocation = ((StoredResult.Pending) probe.awaitStored("async-dup-1")).row().outputLocation();
        await(() -> exists(outputLocation));
        await(() -> notification.get() != null);
        assertThat(read(notification.get()).path("Records").get(0).path("Sns").path("Message").asText()).contains(outputLocation);
        FunctionPool completion = cloud.function(Route.ASYNC_COMPLETION_FUNCTION);

        // the deployed completion function gets the SNS event twice at once, then a late third time
        CompletableFuture<?> first = CompletableFuture.supplyAsync(() -> completion.invoke(notification.get()));
        CompletableFuture<?> second = CompletableFuture.supplyAsync(() -> completion.invoke(notification.get()));
        CompletableFuture.allOf(first, second).exceptionally(e -> null).join();
        ResultRow done = probe.awaitRow("async-dup-1");
        completion.invoke(notification.get());

        assertThat(done.status()).isEqualTo(Status.COMPLETED);
        assertThat(read(done.output()).path("dim").asInt()).isEqualTo(384);
        assertThat(probe.awaitRow("async-dup-1").completedAtMillis()).isEqualTo(done.completedAtMillis());
        await(() -> probe.eventsFor("async-dup-1").size() == 1);
        Eventually.sleep(java.time.Duration.ofSeconds(1));
        assertThat(probe.eventsFor("async-dup-1")).hasSize(1);
    }

    @Test
    void aMalformedEndpointResponseFailsThoseRecordsWithModelError() {
        sageMaker.faults(new Faults(0, 0, 0, 1.0));
        probe.putAll(List.of(detail("garbled-rt-1", "document-embedder", text("one")),
                detail("garbled-rt-2", "document-embedder", text("two")),
                detail("garbled-async-1", "archive-embedder", text("three"))));

        for (String id : List.of("garbled-rt-1", "garbled-rt-2", "garbled-async-1")) {
            ResultRow row = probe.awaitRow(id);
            assertThat(row.status()).as(id).isEqualTo(Status.FAILED);
            assertThat(row.errorCode()).as(id).isEqualTo(ErrorCode.MODEL_ERROR);
            assertThat(row.errorMessage()).as(id).contains("answered what inferbus cannot read");
        }
        await(() -> probe.eventsFor("garbled-").size() == 3);
        assertThat(probe.eventsFor("garbled-")).allMatch(e -> e.path("detail-type").asText().equals("InferenceFailed"));
    }

    @Test
    void anInvalidInputFailsAloneBeforeAnyEndpointCall() {
        probe.awaitIdle(FORWARDER);
        sageMaker.resetStats();
        List<Message> records = new ArrayList<>(messages(List.of("gpu-ok-1", "gpu-ok-2"), "document-embedder"));
        records.add(1, message("m-bad", envelope(v1(detail("gpu-bad-1", "document-embedder", JSON.createObjectNode().put("text", ""))))));

        InvocationResult result = cloud.function(FORWARDER).invoke(sqsEvent(records));

        assertThat(result).isInstanceOfSatisfying(InvocationResult.Success.class,
                s -> assertThat(LambdaEvents.batchItemFailures(s.payload())).isEmpty());
        assertThat(probe.awaitRow("gpu-bad-1").errorMessage()).isEqualTo("/detail/input/text: must not be empty or blank");
        assertThat(probe.awaitRow("gpu-ok-2").status()).isEqualTo(Status.COMPLETED);
        assertThat(sageMaker.stats(REALTIME).orElseThrow().inputs()).isEqualTo(2);
    }

    /**
     * The tensor task on the gpu tier, deployed: the demo's sentence-embedder-raw request completes through its Triton
     * endpoint's stand-in, and a request whose tensors the graph does not take (a datatype the forwarder's own checks
     * cannot know) fails alone with the endpoint's reason, naming the field.
     */
    @Test
    void aTensorRequestIsForwardedToItsTritonEndpointAndOneTheGraphRefusesFailsAlone() {
        ObjectNode input = (ObjectNode) SampleEvents.valid().stream()
                .filter(s -> "sentence-embedder-raw".equals(s.model())).findFirst().orElseThrow()
                .event().path("detail").path("input").deepCopy();
        ObjectNode refused = input.deepCopy();
        ((ObjectNode) refused.get("inputs").get(2)).put("datatype", "INT32");

        probe.putAll(List.of(detail("tensor-gpu-ok", "sentence-embedder-raw", input),
                detail("tensor-gpu-refused", "sentence-embedder-raw", refused)));

        ResultRow ok = probe.awaitRow("tensor-gpu-ok");
        assertThat(ok.status()).isEqualTo(Status.COMPLETED);
        assertThat(ok.tier()).isEqualTo("gpu");
        // 9 x 384 floats: over the inline output limit, claimed to S3
        assertThat(ok.outputRef()).isNotNull();
        ResultRow bad = probe.awaitRow("tensor-gpu-refused");
        assertThat(bad.status()).isEqualTo(Status.FAILED);
        assertThat(bad.errorCode()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(bad.errorMessage()).contains("inferbus-tensor-minilm").contains("/inputs/2/datatype");
    }

    /** The SQS event the forwarder's event source mapping would hand it for these messages of its queue. */
    private String sqsEvent(List<Message> messages) {
        String queueArn = SqsEventSource.arnOf(cloud.clients().sqs(), cloud.sourceQueueUrl(FORWARDER));
        return LambdaEvents.sqs(messages, queueArn, AwsClients.REGION);
    }

    private static List<Message> messages(List<String> requestIds, String model) {
        return requestIds.stream().map(id -> message("m-" + id, envelope(v1(detail(id, model, text("the text of " + id)))))).toList();
    }

    /** Pinned to the live version: a test counting {@link #REALTIME}'s calls must not lose a request to the canary. */
    private static ObjectNode v1(ObjectNode detail) {
        return detail.put("version", "1");
    }

    private static Message message(String messageId, ObjectNode event) {
        String now = Long.toString(System.currentTimeMillis());
        return Message.builder().messageId(messageId).receiptHandle("rh-" + messageId).body(event.toString())
                .attributes(Map.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1",
                        MessageSystemAttributeName.SENT_TIMESTAMP, now,
                        MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP, now))
                .build();
    }

    private static ObjectNode envelope(ObjectNode detail) {
        ObjectNode event = JSON.createObjectNode().put("version", "0").put("id", "ev-" + detail.path("requestId").asText())
                .put("detail-type", "InferenceRequested").put("source", "app.test").put("time", "2026-11-22T10:00:00Z");
        event.set("detail", detail);
        return event;
    }

    private boolean exists(String s3Uri) {
        java.net.URI uri = java.net.URI.create(s3Uri);
        try {
            cloud.clients().s3().headObject(b -> b.bucket(uri.getHost()).key(uri.getPath().substring(1)));
            return true;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            return false;
        }
    }

}
