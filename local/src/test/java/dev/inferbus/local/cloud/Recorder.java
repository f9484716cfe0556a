package dev.inferbus.local.cloud;

import static dev.inferbus.local.cloud.Eventually.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.local.lambda.Invoker;
import dev.inferbus.local.lambda.runtime.InvocationResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test functions that record every event they are handed. A requestId starting with {@code fail-} is reported
 * as a batch item failure (or thrown, for the direct function) every time it is seen.
 */
final class Recorder {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One delivery: the event and the size of the batch it came in. */
    record Delivery(JsonNode event, int batchSize, String partitionKey) {
        String requestId() {
            return event.path("detail").path("requestId").asText();
        }
    }

    final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

    List<Delivery> of(String requestIdPrefix) {
        return deliveries.stream().filter(d -> d.requestId().startsWith(requestIdPrefix)).toList();
    }

    /** The JSON of a batch response naming these item identifiers as failures. */
    private static String batchResponse(List<String> failed) {
        var response = JSON.createObjectNode();
        var failures = response.putArray("batchItemFailures");
        failed.forEach(id -> failures.addObject().put("itemIdentifier", id));
        return response.toString();
    }

    private static long start() {
        return System.nanoTime();
    }

    private static InvocationResult.Success success(String payload, long started) {
        return new InvocationResult.Success(payload, (System.nanoTime() - started) / 1_000_000);
    }

    /** A queue's function: Lambda hands it the SQS event JSON. */
    Invoker queue() {
        return payload -> {
            long started = start();
            JsonNode records = read(payload).path("Records");
            List<String> failures = new ArrayList<>();
            for (JsonNode m : records) {
                Delivery d = new Delivery(read(m.path("body").asText()), records.size(), null);
                deliveries.add(d);
                if (d.requestId().startsWith("fail-")) {
                    failures.add(m.path("messageId").asText());
                }
            }
            return success(batchResponse(failures), started);
        };
    }

    /** A stream's function: the Kinesis event JSON, data base64-encoded. */
    Invoker stream() {
        return payload -> {
            long started = start();
            JsonNode records = read(payload).path("Records");
            List<String> failures = new ArrayList<>();
            for (JsonNode r : records) {
                JsonNode kinesis = r.path("kinesis");
                String data = new String(java.util.Base64.getDecoder().decode(kinesis.path("data").asText()), StandardCharsets.UTF_8);
                Delivery d = new Delivery(read(data), records.size(), kinesis.path("partitionKey").asText());
                deliveries.add(d);
                if (d.requestId().startsWith("fail-")) {
                    failures.add(kinesis.path("sequenceNumber").asText());
                    break;
                }
            }
            return success(batchResponse(failures), started);
        };
    }

    /** A rule's asynchronously invoked function: the EventBridge event itself. */
    Invoker direct() {
        return payload -> {
            long started = start();
            Delivery d = new Delivery(read(payload), 1, null);
            deliveries.add(d);
            if (d.requestId().startsWith("fail-")) {
                return new InvocationResult.FunctionError("java.lang.IllegalStateException", "told to fail " + d.requestId(),
                        "{}", (System.nanoTime() - started) / 1_000_000);
            }
            return success("null", started);
        };
    }
}
