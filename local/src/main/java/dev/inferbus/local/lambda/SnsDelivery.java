package dev.inferbus.local.lambda;

import com.amazonaws.services.lambda.runtime.events.SNSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.UUID;

/** SNS's delivery to a subscribed Lambda function: one notification per event, in the shape Lambda passes. */
public final class SnsDelivery {

    private SnsDelivery() {
    }

    /** The event JSON SNS invokes a function with for one message. */
    public static ObjectNode event(ObjectMapper json, String topicArn, String message) {
        ObjectNode event = json.createObjectNode();
        ObjectNode record = event.putArray("Records").addObject()
                .put("EventSource", "aws:sns").put("EventVersion", "1.0")
                .put("EventSubscriptionArn", topicArn + ":" + UUID.randomUUID());
        record.putObject("Sns").put("Type", "Notification").put("MessageId", UUID.randomUUID().toString())
                .put("TopicArn", topicArn).put("Message", message);
        return event;
    }

    /** The handler's {@link SNSEvent} for such an event JSON. */
    public static SNSEvent decode(JsonNode event) {
        List<SNSEvent.SNSRecord> records = new java.util.ArrayList<>();
        for (JsonNode record : event.path("Records")) {
            JsonNode sns = record.path("Sns");
            records.add(new SNSEvent.SNSRecord().withEventSource(record.path("EventSource").asText())
                    .withEventVersion(record.path("EventVersion").asText())
                    .withEventSubscriptionArn(record.path("EventSubscriptionArn").asText())
                    .withSns(new SNSEvent.SNS().withType(sns.path("Type").asText()).withMessageId(sns.path("MessageId").asText())
                            .withTopicArn(sns.path("TopicArn").asText()).withMessage(sns.path("Message").asText())));
        }
        return new SNSEvent().withRecords(records);
    }
}
