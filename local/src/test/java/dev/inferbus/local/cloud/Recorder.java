package dev.inferbus.local.cloud;

import static dev.inferbus.local.cloud.Eventually.read;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    RequestHandler<SQSEvent, SQSBatchResponse> queue() {
        return (SQSEvent event, Context context) -> {
            List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
            for (SQSEvent.SQSMessage m : event.getRecords()) {
                Delivery d = new Delivery(read(m.getBody()), event.getRecords().size(), null);
                deliveries.add(d);
                if (d.requestId().startsWith("fail-")) {
                    failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(m.getMessageId()).build());
                }
            }
            return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
        };
    }

    RequestHandler<KinesisEvent, StreamsEventResponse> stream() {
        return (KinesisEvent event, Context context) -> {
            List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
            for (KinesisEvent.KinesisEventRecord r : event.getRecords()) {
                Delivery d = new Delivery(read(StandardCharsets.UTF_8.decode(r.getKinesis().getData()).toString()),
                        event.getRecords().size(), r.getKinesis().getPartitionKey());
                deliveries.add(d);
                if (d.requestId().startsWith("fail-")) {
                    failures.add(StreamsEventResponse.BatchItemFailure.builder()
                            .withItemIdentifier(r.getKinesis().getSequenceNumber()).build());
                    break;
                }
            }
            return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
        };
    }

    RequestHandler<Map<String, Object>, Void> direct() {
        return (Map<String, Object> event, Context context) -> {
            Delivery d = new Delivery(JSON.valueToTree(event), 1, null);
            deliveries.add(d);
            if (d.requestId().startsWith("fail-")) {
                throw new IllegalStateException("told to fail " + d.requestId());
            }
            return null;
        };
    }

}
