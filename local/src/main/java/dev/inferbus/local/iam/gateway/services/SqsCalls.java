package dev.inferbus.local.iam.gateway.services;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.local.relay.ProxiedRequest;
import java.util.List;
import java.util.Map;

/**
 * SQS, over either of its protocols: AWS JSON 1.0 ({@code X-Amz-Target: AmazonSQS.<Operation>}, parameters in the
 * body; what the SDK for Java 2.x speaks) or the query protocol ({@code Action=<Operation>&QueueUrl=…} in the query
 * string or a form body, possibly sent to the queue's URL itself). The queue is the last segment of
 * {@code QueueUrl}, or {@code QueueName} (CreateQueue, GetQueueUrl), or the path of a query request sent to the
 * queue's URL; ListQueues asks on {@code *}. The batch operations need the permission of their single
 * counterpart ("Amazon SQS API permissions: Actions and resource reference",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html).
 */
final class SqsCalls implements Classifier {

    private static final Map<String, String> BATCH_ACTIONS = Map.of("SendMessageBatch", "SendMessage",
            "DeleteMessageBatch", "DeleteMessage", "ChangeMessageVisibilityBatch", "ChangeMessageVisibility");

    private final Arns arns;

    SqsCalls(Arns arns) {
        this.arns = arns;
    }

    /** Whether a request speaks the JSON protocol; the query protocol has no target header. */
    static boolean json(ProxiedRequest request) {
        return request.header("X-Amz-Target") != null;
    }

    @Override
    public List<ServiceCall> classify(ProxiedRequest request) {
        String operation;
        String queueUrl;
        String queueName;
        if (json(request)) {
            JsonNode body = Bodies.tree(request);
            operation = request.operation();
            queueUrl = Bodies.text(body, "QueueUrl");
            queueName = Bodies.text(body, "QueueName");
        } else {
            Map<String, String> form = Bodies.form(request);
            operation = form.getOrDefault("Action", "");
            queueUrl = form.get("QueueUrl");
            queueName = form.get("QueueName");
        }
        String queue = queueUrl != null ? Bodies.lastSegment(queueUrl)
                : queueName != null ? queueName
                : !json(request) && request.path().length() > 1 ? Bodies.lastSegment(request.path())
                : null;
        return List.of(new ServiceCall("sqs:" + BATCH_ACTIONS.getOrDefault(operation, operation),
                queue == null || queue.isEmpty() ? "*" : arns.queue(queue)));
    }
}
