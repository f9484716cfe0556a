package dev.inferbus.local.handlers;

import static dev.inferbus.local.cloud.Eventually.await;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.local.cloud.LocalCloud;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/** What the handler tests do to a local cloud and watch of it: put requests, await rows, collect result events. */
final class CloudProbe {

    static final ObjectMapper JSON = new ObjectMapper();

    private final LocalCloud cloud;
    private final List<JsonNode> published = new CopyOnWriteArrayList<>();

    /** Starts collecting every result event the bus carries from now on. */
    CloudProbe(LocalCloud cloud, String name) {
        this.cloud = cloud;
        cloud.observe(name, "{\"source\":[\"inferbus\"]}", (event, json) -> published.add(event));
    }

    List<JsonNode> eventsFor(String requestIdPrefix) {
        return published.stream().filter(e -> e.path("detail").path("requestId").asText().startsWith(requestIdPrefix)).toList();
    }

    int queueDepth(String queue) {
        String url = cloud.queueUrl(queue);
        return Integer.parseInt(cloud.clients().sqs().getQueueAttributes(b -> b.queueUrl(url)
                .attributeNamesWithStrings("ApproximateNumberOfMessages")).attributesAsStrings().get("ApproximateNumberOfMessages"));
    }

    Map<String, AttributeValue> awaitRow(String key) {
        await(() -> cloud.resultRow(key).isPresent());
        return cloud.resultRow(key).orElseThrow();
    }

    /** The row once it is final (COMPLETED or FAILED), not PENDING at an asynchronous endpoint. */
    Map<String, AttributeValue> awaitFinalRow(String key) {
        await(() -> cloud.resultRow(key).filter(row -> !row.get("status").s().equals("PENDING")).isPresent());
        return cloud.resultRow(key).orElseThrow();
    }

    void put(JsonNode detail) {
        assertThat(cloud.clients().events().putEvents(b -> b.entries(entry(detail))).failedEntryCount()).isZero();
    }

    /** Puts many requests, ten to a PutEvents call. */
    void putAll(List<? extends JsonNode> details) {
        for (int from = 0; from < details.size(); from += 10) {
            List<PutEventsRequestEntry> entries = details.subList(from, Math.min(from + 10, details.size())).stream()
                    .map(CloudProbe::entry).toList();
            assertThat(cloud.clients().events().putEvents(b -> b.entries(entries)).failedEntryCount()).isZero();
        }
    }

    static ObjectNode detail(String requestId, String model, ObjectNode input) {
        ObjectNode detail = JSON.createObjectNode().put("requestId", requestId).put("model", model);
        detail.set("input", input);
        return detail;
    }

    static ObjectNode text(String text) {
        return JSON.createObjectNode().put("text", text);
    }

    static PutEventsRequestEntry entry(JsonNode detail) {
        return PutEventsRequestEntry.builder().eventBusName("inferbus").source("app.test")
                .detailType("InferenceRequested").detail(detail.toString()).build();
    }

}
