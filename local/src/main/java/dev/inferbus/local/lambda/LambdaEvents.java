package dev.inferbus.local.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The JSON Lambda hands a function for each event source, and what it reads back from a batch response. Field
 * names follow the event samples of the Lambda developer guide ("Using Lambda with Amazon SQS / Kinesis / SNS",
 * "Configuring destinations for asynchronous invocation").
 */
public final class LambdaEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LambdaEvents() {
    }

    /** An SQS event source's batch. */
    public static String sqs(List<Message> messages, String queueArn, String region) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (Message m : messages) {
            ObjectNode record = records.addObject()
                    .put("messageId", m.messageId())
                    .put("receiptHandle", m.receiptHandle())
                    .put("body", m.body());
            ObjectNode attributes = record.putObject("attributes");
            m.attributes().forEach((name, value) -> attributes.put(name.toString(), value));
            ObjectNode messageAttributes = record.putObject("messageAttributes");
            m.messageAttributes().forEach((name, value) -> messageAttributes.putObject(name)
                    .put("stringValue", value.stringValue()).put("dataType", value.dataType())
                    .<ObjectNode>set("stringListValues", JSON.createArrayNode())
                    .set("binaryListValues", JSON.createArrayNode()));
            record.put("md5OfBody", m.md5OfBody())
                    .put("eventSource", "aws:sqs")
                    .put("eventSourceARN", queueArn)
                    .put("awsRegion", region);
        }
        return event.toString();
    }

    /** A Kinesis event source's batch of one shard. */
    public static String kinesis(List<Record> batch, String shardId, String streamArn, String region) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (Record r : batch) {
            ObjectNode record = records.addObject();
            record.putObject("kinesis")
                    .put("kinesisSchemaVersion", "1.0")
                    .put("partitionKey", r.partitionKey())
                    .put("sequenceNumber", r.sequenceNumber())
                    .put("data", Base64.getEncoder().encodeToString(r.data().asByteArray()))
                    .put("approximateArrivalTimestamp", r.approximateArrivalTimestamp().toEpochMilli() / 1000.0);
            record.put("eventSource", "aws:kinesis")
                    .put("eventVersion", "1.0")
                    .put("eventID", shardId + ":" + r.sequenceNumber())
                    .put("eventName", "aws:kinesis:record")
                    .put("awsRegion", region)
                    .put("eventSourceARN", streamArn);
        }
        return event.toString();
    }

    /** SNS's delivery of one message to a subscribed function. */
    public static String sns(String topicArn, String subscriptionArn, String message) {
        ObjectNode event = JSON.createObjectNode();
        ObjectNode record = event.putArray("Records").addObject()
                .put("EventSource", "aws:sns").put("EventVersion", "1.0").put("EventSubscriptionArn", subscriptionArn);
        record.putObject("Sns").put("Type", "Notification").put("MessageId", UUID.randomUUID().toString())
                .put("TopicArn", topicArn).put("Message", message).put("Timestamp", Instant.now().toString())
                .put("SignatureVersion", "1").putNull("Subject").putObject("MessageAttributes");
        return event.toString();
    }

    /**
     * The record an asynchronous invocation's on-failure destination receives once its retries are spent: the
     * request, the condition and the function's last error.
     */
    public static String onFailureRecord(String functionArn, String requestPayload, String condition, int invokeCount,
                                         String errorType, String errorMessage) {
        ObjectNode record = JSON.createObjectNode().put("version", "1.0").put("timestamp", Instant.now().toString());
        record.putObject("requestContext").put("requestId", UUID.randomUUID().toString()).put("functionArn", functionArn)
                .put("condition", condition).put("approximateInvokeCount", invokeCount);
        record.set("requestPayload", readOrText(requestPayload));
        record.putObject("responseContext").put("statusCode", 200).put("executedVersion", "$LATEST").put("functionError", "Unhandled");
        record.putObject("responsePayload").put("errorMessage", errorMessage).put("errorType", errorType);
        return record.toString();
    }

    /**
     * The item identifiers a partial batch response names ({@code batchItemFailures[].itemIdentifier}); an
     * identifier that is missing or empty is kept as {@code null}, which fails the whole batch as on AWS.
     */
    public static Set<String> batchItemFailures(String responsePayload) {
        Set<String> failed = new LinkedHashSet<>();
        JsonNode response = readOrText(responsePayload);
        for (JsonNode failure : response.path("batchItemFailures")) {
            String id = failure.path("itemIdentifier").asText(null);
            failed.add(id == null || id.isEmpty() ? null : id);
        }
        return failed;
    }

    private static JsonNode readOrText(String json) {
        if (json == null || json.isBlank()) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            return JSON.getNodeFactory().textNode(json);
        }
    }
}
