package dev.inferbus.local.handlers;

import static dev.inferbus.local.handlers.CloudProbe.JSON;
import static dev.inferbus.local.cloud.Eventually.await;
import static dev.inferbus.local.cloud.Eventually.read;
import static dev.inferbus.local.handlers.CloudProbe.detail;
import static dev.inferbus.local.handlers.CloudProbe.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SNSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.EndpointSpec;
import dev.inferbus.events.routing.Route;
import dev.inferbus.functions.config.FunctionConfig;
import dev.inferbus.functions.handler.AsyncCompletionHandler;
import dev.inferbus.functions.handler.FunctionRuntime;
import dev.inferbus.functions.handler.GpuForwardHandler;
import dev.inferbus.local.cloud.EmbeddedBackend;
import dev.inferbus.local.cloud.Eventually;
import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.cloud.LocalCloudExtension;
import dev.inferbus.local.cloud.CloudBackend;
import dev.inferbus.local.cloud.LocalFunctions;
import dev.inferbus.local.lambda.LocalContext;
import dev.inferbus.local.lambda.SnsDelivery;
import dev.inferbus.local.sagemaker.EndpointStats;
import dev.inferbus.local.sagemaker.Faults;
import dev.inferbus.local.sagemaker.SageMakerServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The gpu tier end to end: forwarders and the completion function against the local SageMaker endpoints. */
@ExtendWith(LocalCloudExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GpuTierIntegrationTest {

    private static final String CATALOG = "../samples/catalog.yaml";
    private static final String REALTIME = "inferbus-embed";

    private LocalCloud cloud;
    private SageMakerServer sageMaker;
    private final LocalFunctions functions = new LocalFunctions();
    private CloudProbe probe;

    @BeforeAll
    void attachTheRealHandlers(CloudBackend backend) {
        cloud = ((EmbeddedBackend) backend).cloud();
        sageMaker = cloud.sageMaker().orElseThrow();
        functions.attachFunctions(cloud, CATALOG);
        probe = new CloudProbe(cloud, "gpu-test-results");
    }

    @AfterEach
    void noFaults() {
        sageMaker.faults(Faults.NONE);
    }

    @AfterAll
    void close() {
        functions.close();
    }

    @Test
    void aBatchOfNRecordsTakesCeilNOverMaxRequestBatchEndpointCalls() {
        EndpointSpec endpoint = cloud.catalog().find("document-embedder").orElseThrow().endpoint();
        try (FunctionRuntime runtime = runtime("gpu-" + REALTIME)) {
            for (int n : new int[] {1, 16, 17, 40}) {
                sageMaker.resetStats();
                List<String> ids = IntStream.range(0, n).mapToObj(i -> "batching-" + n + "-" + i).toList();

                SQSBatchResponse response = new GpuForwardHandler(runtime).handleRequest(sqsEvent(ids, "document-embedder"),
                        new LocalContext("gpu-" + REALTIME, 30, 1024));

                assertThat(response.getBatchItemFailures()).isEmpty();
                EndpointStats stats = sageMaker.stats(REALTIME).orElseThrow();
                assertThat(stats.calls()).as("calls for %d records", n).isEqualTo((n + endpoint.maxRequestBatch() - 1) / endpoint.maxRequestBatch());
                assertThat(stats.inputs()).isEqualTo(n);
                for (String id : ids) {
                    Map<String, AttributeValue> row = cloud.resultRow(id).orElseThrow();
                    assertThat(row.get("status").s()).isEqualTo("COMPLETED");
                    assertThat(row.get("tier").s()).isEqualTo("gpu");
                    JsonNode output = read(row.get("output").s());
                    assertThat(output.path("dim").asInt()).isEqualTo(384);
                    double norm = 0;
                    for (JsonNode x : output.path("embedding")) {
                        norm += x.asDouble() * x.asDouble();
                    }
                    assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
                }
            }
        }
    }

    @Test
    void callsInFlightNeverExceedTheEndpointsMaxConcurrencyUnderLoad() {
        int maxConcurrency = cloud.catalog().find("document-embedder").orElseThrow().endpoint().maxConcurrency();
        sageMaker.resetStats();
        sageMaker.faults(new Faults(200, 0, 0, 0));
        List<ObjectNode> load = IntStream.range(0, 240).mapToObj(i -> detail("load-" + i, "document-embedder", text("load text " + i))).toList();

        probe.putAll(load);

        for (int i = 0; i < load.size(); i++) {
            assertThat(probe.awaitRow("load-" + i).get("status").s()).isEqualTo("COMPLETED");
        }
        EndpointStats stats = sageMaker.stats(REALTIME).orElseThrow();
        assertThat(stats.maxInFlight()).isLessThanOrEqualTo(maxConcurrency).isGreaterThan(1);
        // every text reached the endpoint (a redelivered message may bring its text twice; rows stay one per request)
        assertThat(stats.inputs()).isGreaterThanOrEqualTo(load.size());
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
            assertThat(probe.awaitRow("throttled-" + i).get("status").s()).isEqualTo("COMPLETED");
        }
        await(() -> probe.eventsFor("throttled-").size() >= requests.size());
        Eventually.sleep(java.time.Duration.ofSeconds(4)); // past the visibility timeout: any redelivery shows now
        assertThat(probe.eventsFor("throttled-")).hasSize(requests.size());
        assertThat(probe.eventsFor("throttled-")).allMatch(e -> e.path("detail-type").asText().equals("InferenceCompleted"));
        assertThat(probe.queueDepth("inferbus-gpu-" + REALTIME + "-dlq")).isZero();
    }

    @Test
    void anAsyncRequestIsPendingThenCompletedOnceEvenWhenSnsDeliversItsNotificationTwice() throws Exception {
        // without the completion function subscribed, the endpoint's notification goes nowhere: the row stays PENDING
        cloud.detach(Route.ASYNC_COMPLETION_FUNCTION);
        try (FunctionRuntime completion = runtime(Route.ASYNC_COMPLETION_FUNCTION)) {
            probe.put(detail("async-dup-1", "archive-embedder", text("an archived report to embed")));
            Map<String, AttributeValue> pending = probe.awaitRow("async-dup-1");
            assertThat(pending.get("status").s()).isEqualTo("PENDING");
            await(() -> cloud.resultRow("async-dup-1").orElseThrow().containsKey("outputLocation"));
            String outputLocation = cloud.resultRow("async-dup-1").orElseThrow().get("outputLocation").s();
            await(() -> exists(outputLocation));
            SNSEvent notification = notification("async-dup-1", outputLocation);
            AsyncCompletionHandler handler = new AsyncCompletionHandler(completion);

            // two deliveries at once, then a late third
            CompletableFuture<?> first = CompletableFuture.runAsync(() -> handler.handleRequest(notification, new LocalContext("c", 60, 512)));
            CompletableFuture<?> second = CompletableFuture.runAsync(() -> handler.handleRequest(notification, new LocalContext("c", 60, 512)));
            CompletableFuture.allOf(first, second).exceptionally(e -> null).join();
            Map<String, AttributeValue> done = probe.awaitFinalRow("async-dup-1");
            handler.handleRequest(notification, new LocalContext("c", 60, 512));

            assertThat(done.get("status").s()).isEqualTo("COMPLETED");
            assertThat(read(done.get("output").s()).path("dim").asInt()).isEqualTo(384);
            assertThat(cloud.resultRow("async-dup-1").orElseThrow().get("completedAt")).isEqualTo(done.get("completedAt"));
            await(() -> probe.eventsFor("async-dup-1").size() == 1);
            Eventually.sleep(java.time.Duration.ofSeconds(1));
            assertThat(probe.eventsFor("async-dup-1")).hasSize(1);
        } finally {
            functions.attachFunctions(cloud, CATALOG);
        }
    }

    @Test
    void aMalformedEndpointResponseFailsThoseRecordsWithModelError() {
        sageMaker.faults(new Faults(0, 0, 0, 1.0));
        probe.putAll(List.of(detail("garbled-rt-1", "document-embedder", text("one")),
                detail("garbled-rt-2", "document-embedder", text("two")),
                detail("garbled-async-1", "archive-embedder", text("three"))));

        for (String id : List.of("garbled-rt-1", "garbled-rt-2", "garbled-async-1")) {
            Map<String, AttributeValue> row = probe.awaitFinalRow(id);
            assertThat(row.get("status").s()).as(id).isEqualTo("FAILED");
            assertThat(row.get("errorCode").s()).as(id).isEqualTo("MODEL_ERROR");
            assertThat(row.get("errorMessage").s()).as(id).contains("answered what inferbus cannot read");
        }
        await(() -> probe.eventsFor("garbled-").size() == 3);
        assertThat(probe.eventsFor("garbled-")).allMatch(e -> e.path("detail-type").asText().equals("InferenceFailed"));
    }

    @Test
    void anInvalidInputFailsAloneBeforeAnyEndpointCall() {
        try (FunctionRuntime runtime = runtime("gpu-" + REALTIME)) {
            sageMaker.resetStats();
            SQSEvent event = sqsEvent(List.of("gpu-ok-1", "gpu-ok-2"), "document-embedder");
            SQSEvent.SQSMessage bad = new SQSEvent.SQSMessage();
            bad.setMessageId("m-bad");
            bad.setBody(envelope(detail("gpu-bad-1", "document-embedder", JSON.createObjectNode().put("text", ""))).toString());
            List<SQSEvent.SQSMessage> records = new ArrayList<>(event.getRecords());
            records.add(1, bad);
            event.setRecords(records);

            SQSBatchResponse response = new GpuForwardHandler(runtime).handleRequest(event, new LocalContext("gpu", 30, 1024));

            assertThat(response.getBatchItemFailures()).isEmpty();
            assertThat(cloud.resultRow("gpu-bad-1").orElseThrow().get("errorMessage").s()).isEqualTo("/detail/input/text: must not be empty or blank");
            assertThat(cloud.resultRow("gpu-ok-2").orElseThrow().get("status").s()).isEqualTo("COMPLETED");
            assertThat(sageMaker.stats(REALTIME).orElseThrow().inputs()).isEqualTo(2);
        }
    }

    private FunctionRuntime runtime(String function) {
        return new FunctionRuntime(FunctionConfig.from(LocalFunctions.environment(cloud, function, CATALOG)));
    }

    private static SQSEvent sqsEvent(List<String> requestIds, String model) {
        List<SQSEvent.SQSMessage> messages = new ArrayList<>();
        for (String id : requestIds) {
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId("m-" + id);
            m.setBody(envelope(detail(id, model, text("the text of " + id))).toString());
            messages.add(m);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(messages);
        return event;
    }

    private static ObjectNode envelope(ObjectNode detail) {
        ObjectNode event = JSON.createObjectNode().put("version", "0").put("id", "ev-" + detail.path("requestId").asText())
                .put("detail-type", "InferenceRequested").put("source", "app.test").put("time", "2026-11-22T10:00:00Z");
        event.set("detail", detail);
        return event;
    }

    /** SageMaker's success notification for a request's asynchronous invocation, as SNS hands it to Lambda. */
    private SNSEvent notification(String requestId, String outputLocation) {
        ObjectNode message = JSON.createObjectNode().put("awsRegion", "us-east-1").put("receivedTime", "2026-11-22T10:00:00.000Z")
                .put("eventTime", "2026-11-22T10:00:00.250Z").put("invocationStatus", "Completed").put("inferenceId", requestId)
                .put("eventSource", "aws:sagemaker").put("eventName", "InferenceResult");
        message.putObject("requestParameters").put("endpointName", "inferbus-embed-async")
                .put("inputLocation", "s3://" + LocalCloud.BUCKET + "/async-in/" + requestId + ".json");
        message.putObject("responseParameters").put("contentType", "application/json").put("outputLocation", outputLocation);
        return SnsDelivery.decode(SnsDelivery.event(JSON, "arn:aws:sns:us-east-1:000000000000:inferbus-embed-async-success", message.toString()));
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
