package dev.inferbus.local.cloud;

import dev.inferbus.events.results.ResultsTable;
import dev.inferbus.events.results.Status;
import static dev.inferbus.local.cloud.Eventually.await;
import static dev.inferbus.local.cloud.Eventually.read;
import static dev.inferbus.local.cloud.Eventually.sleep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The cloud contract inferbus relies on, through AWS SDK v2 clients only: routing by the catalog's patterns,
 * SQS and Kinesis event source behaviour, PutEvents limits. Runs on every {@link CloudBackend}.
 */
@ExtendWith(LocalCloudExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CloudContractTest {

    static final ObjectMapper JSON = new ObjectMapper();

    private final Recorder recorder = new Recorder();
    private CloudBackend cloud;

    @BeforeAll
    void attachRecorders(CloudBackend backend) {
        this.cloud = backend;
        cloud.attach("cpu-batch", recorder.queue());
        cloud.attach("cpu-stream", recorder.stream());
        cloud.attach("cpu-direct", recorder.direct());
    }

    @Test
    void putEventsRoutesByModelToTheQueueWhosePollerHandsTheBatchToTheFunction() {
        PutEventsResponse response = put(event("q-1", "sentence-embedder", null), event("q-2", "sentence-embedder", null));

        assertThat(response.failedEntryCount()).isZero();
        assertThat(response.entries()).allSatisfy(e -> assertThat(e.eventId()).isNotBlank());
        await(() -> recorder.of("q-").size() >= 2);
        Recorder.Delivery delivery = recorder.of("q-1").get(0);
        assertThat(delivery.event().path("detail-type").asText()).isEqualTo("InferenceRequested");
        assertThat(delivery.event().path("id").asText()).isEqualTo(response.entries().get(0).eventId());
        assertThat(delivery.event().path("account").asText()).isNotBlank();
        assertThat(delivery.event().path("time").asText()).endsWith("Z");
    }

    @Test
    void kinesisKeepsPerKeyOrderOverAThousandRecordsOnTwoShards() {
        int keys = 10;
        int perKey = 100;
        List<PutEventsRequestEntry> entries = new ArrayList<>();
        for (int seq = 0; seq < perKey; seq++) {
            for (int k = 0; k < keys; k++) {
                ObjectNode detail = detail("k-" + k + "-" + seq, "sensor-anomaly", "device-" + k);
                detail.putObject("attributes").put("seq", String.valueOf(seq));
                entries.add(entry(detail));
            }
        }
        for (int from = 0; from < entries.size(); from += 10) {
            List<PutEventsRequestEntry> ten = entries.subList(from, from + 10);
            assertThat(cloud.clients().events().putEvents(b -> b.entries(ten)).failedEntryCount()).isZero();
        }

        await(() -> recorder.of("k-").size() >= keys * perKey);
        Map<String, List<Integer>> byKey = new LinkedHashMap<>();
        for (Recorder.Delivery d : recorder.of("k-")) {
            byKey.computeIfAbsent(d.partitionKey(), x -> new ArrayList<>())
                    .add(Integer.parseInt(d.event().path("detail").path("attributes").path("seq").asText()));
        }
        assertThat(byKey).hasSize(keys);
        byKey.forEach((key, seqs) -> assertThat(seqs).as(key).isEqualTo(IntStream.range(0, perKey).boxed().toList()));
        String stream = cloud.clients().kinesis().listStreams().streamNames().get(0);
        assertThat(cloud.clients().kinesis().listShards(b -> b.streamName(stream)).shards()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(recorder.of("k-").stream().map(Recorder.Delivery::partitionKey).distinct()).hasSize(keys);
    }

    @Test
    void aReportedFailureIsRedeliveredAndAfterMaxReceiveCountLandsInTheDlq() {
        put(event("fail-sqs-1", "sentence-embedder", null), event("ok-sqs-1", "sentence-embedder", null));

        String dlq = cloud.deadLetterQueueUrl("cpu-batch");
        List<Message> dead = new ArrayList<>();
        await(() -> {
            dead.addAll(cloud.clients().sqs().receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(10).waitTimeSeconds(1)).messages());
            return dead.stream().anyMatch(m -> m.body().contains("fail-sqs-1"));
        });
        assertThat(recorder.of("fail-sqs-1")).hasSize(3);
        assertThat(recorder.of("ok-sqs-1")).hasSize(1);
    }

    @Test
    void aPoisonKinesisRecordIsIsolatedAndDescribedToTheOnFailureDestination() {
        List<PutEventsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String id = i == 2 ? "fail-kin-2" : "pk-" + i;
            ObjectNode detail = detail(id, "sensor-anomaly", "poison-device");
            detail.putObject("attributes").put("seq", String.valueOf(i));
            entries.add(entry(detail));
        }
        cloud.clients().events().putEvents(b -> b.entries(entries));

        String onFailure = cloud.deadLetterQueueUrl("cpu-stream");
        List<Message> described = new ArrayList<>();
        await(() -> {
            described.addAll(cloud.clients().sqs().receiveMessage(b -> b.queueUrl(onFailure).waitTimeSeconds(1)).messages());
            return !described.isEmpty() && recorder.of("pk-5").size() >= 1;
        });
        JsonNode info = read(described.get(0).body()).path("KinesisBatchInfo");
        assertThat(info.path("batchSize").asInt()).isEqualTo(1);
        assertThat(info.path("streamArn").asText()).startsWith("arn:aws:kinesis:");
        List<String> after = recorder.of("pk-").stream().map(Recorder.Delivery::requestId).distinct().toList();
        assertThat(after).containsExactly("pk-0", "pk-1", "pk-3", "pk-4", "pk-5");
    }

    @Test
    void theRejectRouteInvokesTheDirectFunctionWhichRetriesThenDeadLetters() {
        put(event("direct-ok-1", "gpt-7", null), event("fail-direct-1", "fraud-scorer", null));

        String dlq = cloud.deadLetterQueueUrl("cpu-direct");
        List<Message> dead = new ArrayList<>();
        await(() -> {
            dead.addAll(cloud.clients().sqs().receiveMessage(b -> b.queueUrl(dlq).waitTimeSeconds(1)
                    .messageAttributeNames("All")).messages());
            return dead.stream().anyMatch(m -> m.body().contains("fail-direct-1"));
        });
        assertThat(recorder.of("direct-ok-1")).hasSize(1);
        assertThat(recorder.of("fail-direct-1")).hasSize(3);
        Message letter = dead.stream().filter(m -> m.body().contains("fail-direct-1")).findFirst().orElseThrow();
        // Lambda's on-failure destination record: the request, the condition, the function's last error
        JsonNode record = read(letter.body());
        assertThat(record.path("requestContext").path("condition").asText()).isEqualTo("RetriesExhausted");
        assertThat(record.path("requestContext").path("approximateInvokeCount").asInt()).isEqualTo(3);
        assertThat(record.path("responsePayload").path("errorMessage").asText()).contains("told to fail");
    }

    @Test
    void anEventMatchingNoRuleGoesNowhereAndIsCounted() {
        long before = cloud.routing().map(s -> s.unmatched()).orElse(0L);

        PutEventsResponse response = cloud.clients().events().putEvents(b -> b.entries(PutEventsRequestEntry.builder()
                .eventBusName(cloud.busName()).source("app.test").detailType("OrderPlaced").detail("{\"requestId\":\"none-1\"}").build()));

        assertThat(response.failedEntryCount()).isZero();
        cloud.routing().ifPresent(stats -> assertThat(stats.unmatched()).isEqualTo(before + 1));
        sleep(Duration.ofSeconds(1));
        assertThat(recorder.of("none-")).isEmpty();
    }

    @Test
    void putEventsRefusesElevenEntriesOrOver256KbLikeAws() {
        List<PutEventsRequestEntry> eleven = IntStream.range(0, 11).mapToObj(i -> event("x-" + i, "sentence-embedder", null)).toList();
        assertThatThrownBy(() -> cloud.clients().events().putEvents(b -> b.entries(eleven)))
                .isInstanceOfSatisfying(EventBridgeException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.statusCode()).isEqualTo(400);
                });

        ObjectNode big = detail("big-1", "sentence-embedder", null);
        ((ObjectNode) big.get("input")).put("text", "x".repeat(257 * 1024));
        assertThatThrownBy(() -> cloud.clients().events().putEvents(b -> b.entries(entry(big))))
                .isInstanceOfSatisfying(EventBridgeException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage()).contains("Total size of the entries"));

        PutEventsResponse partial = cloud.clients().events().putEvents(b -> b.entries(
                PutEventsRequestEntry.builder().eventBusName(cloud.busName()).source("app.test").detailType("InferenceRequested")
                        .detail("{not json").build(),
                event("ok-partial-1", "sentence-embedder", null)));
        assertThat(partial.failedEntryCount()).isEqualTo(1);
        assertThat(partial.entries().get(0).errorCode()).isEqualTo("MalformedDetail");
        assertThat(partial.entries().get(1).eventId()).isNotBlank();
    }

    @Test
    void dynamoDbConditionalPutsAndS3PathStyleObjectsWork() {
        var item = Map.of(ResultsTable.KEY, AttributeValue.fromS("cond-1"), "status", AttributeValue.fromS(Status.COMPLETED.name()));
        cloud.clients().dynamoDb().putItem(b -> b.tableName(cloud.tableName()).item(item)
                .conditionExpression("attribute_not_exists(requestId)"));
        assertThatThrownBy(() -> cloud.clients().dynamoDb().putItem(b -> b.tableName(cloud.tableName()).item(item)
                .conditionExpression("attribute_not_exists(requestId)"))).isInstanceOf(ConditionalCheckFailedException.class);

        cloud.clients().s3().putObject(b -> b.bucket(cloud.bucketName()).key("in/cond-1.json"),
                software.amazon.awssdk.core.sync.RequestBody.fromString("{\"text\":\"hello\"}"));
        assertThat(cloud.clients().s3().getObjectAsBytes(b -> b.bucket(cloud.bucketName()).key("in/cond-1.json")).asUtf8String())
                .isEqualTo("{\"text\":\"hello\"}");
    }

    PutEventsResponse put(PutEventsRequestEntry... entries) {
        return cloud.clients().events().putEvents(b -> b.entries(entries));
    }

    static PutEventsRequestEntry event(String requestId, String model, String partitionKey) {
        return entry(detail(requestId, model, partitionKey));
    }

    static ObjectNode detail(String requestId, String model, String partitionKey) {
        ObjectNode detail = JSON.createObjectNode().put("requestId", requestId).put("model", model);
        detail.putObject("input").put("text", "hello");
        if (partitionKey != null) {
            detail.put("partitionKey", partitionKey);
        }
        return detail;
    }

    static PutEventsRequestEntry entry(JsonNode detail) {
        return PutEventsRequestEntry.builder().eventBusName("inferbus").source("app.test")
                .detailType("InferenceRequested").detail(detail.toString()).build();
    }

}
