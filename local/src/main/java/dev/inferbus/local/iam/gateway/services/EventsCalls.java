package dev.inferbus.local.iam.gateway.services;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.local.relay.ProxiedRequest;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * EventBridge (AWS JSON 1.1, {@code X-Amz-Target: AWSEvents.<Operation>}). PutEvents asks {@code events:PutEvents} on
 * the bus of each entry ({@code EventBusName}, a name or an ARN; the {@code default} bus when absent), with the
 * entry's {@code events:source} and {@code events:detail-type} as condition keys ("Using IAM policy conditions in
 * Amazon EventBridge", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-conditions.html). The local
 * cloud serves no other EventBridge operation; any other asks its action on the bus it names, or on {@code *}.
 */
final class EventsCalls implements Classifier {

    private final Arns arns;

    EventsCalls(Arns arns) {
        this.arns = arns;
    }

    @Override
    public List<ServiceCall> classify(ProxiedRequest request) {
        JsonNode body = Bodies.tree(request);
        String action = "events:" + request.operation();
        if (!request.operation().equals("PutEvents")) {
            String bus = Bodies.text(body, "EventBusName");
            return List.of(new ServiceCall(action, bus == null ? "*" : bus(bus)));
        }
        Set<ServiceCall> calls = new LinkedHashSet<>();
        for (JsonNode entry : body.path("Entries")) {
            String bus = Bodies.text(entry, "EventBusName");
            Map<String, String> context = new LinkedHashMap<>();
            putIfText(context, "events:source", entry, "Source");
            putIfText(context, "events:detail-type", entry, "DetailType");
            calls.add(new ServiceCall(action, bus(bus == null ? "default" : bus), context));
        }
        return calls.isEmpty() ? List.of(new ServiceCall(action, bus("default"))) : List.copyOf(calls);
    }

    private String bus(String nameOrArn) {
        return nameOrArn.startsWith("arn:") ? nameOrArn : arns.eventBus(nameOrArn);
    }

    private static void putIfText(Map<String, String> context, String key, JsonNode entry, String field) {
        String value = Bodies.text(entry, field);
        if (value != null) {
            context.put(key, value);
        }
    }
}
