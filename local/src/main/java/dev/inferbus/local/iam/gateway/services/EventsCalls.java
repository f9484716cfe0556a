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
 * Amazon EventBridge", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-conditions.html). The replay
 * operations ask on the resource types the Service Authorization Reference gives them ("Actions, resources, and
 * condition keys for Amazon EventBridge",
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html): StartReplay
 * requires {@code archive*}, {@code event-bus*} and {@code replay*} (the source archive, the destination bus, the
 * replay it creates); DescribeReplay and CancelReplay {@code replay*}; DescribeArchive {@code archive*};
 * DescribeEventBus {@code event-bus}; ListReplays, ListArchives and ListRules no resource type, so {@code *}. Any
 * other operation asks its action on the bus it names, or on {@code *}.
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
        switch (request.operation()) {
            case "PutEvents" -> {
                return putEvents(action, body);
            }
            case "StartReplay" -> {
                // the members a request lacks are the service's to refuse; the gateway asks what it can name
                List<ServiceCall> calls = new java.util.ArrayList<>();
                addIfNamed(calls, action, Bodies.text(body, "EventSourceArn"));
                String destination = Bodies.text(body.path("Destination"), "Arn");
                addIfNamed(calls, action, destination == null ? null : bus(destination));
                String replay = Bodies.text(body, "ReplayName");
                addIfNamed(calls, action, replay == null ? null : arns.replay(replay));
                return calls.isEmpty() ? List.of(new ServiceCall(action, "*")) : List.copyOf(calls);
            }
            case "DescribeReplay", "CancelReplay" -> {
                return List.of(named(action, Bodies.text(body, "ReplayName"), arns::replay));
            }
            case "DescribeArchive" -> {
                return List.of(named(action, Bodies.text(body, "ArchiveName"), arns::archive));
            }
            case "DescribeEventBus" -> {
                String bus = Bodies.text(body, "Name");
                return List.of(new ServiceCall(action, bus(bus == null ? "default" : bus)));
            }
            case "ListReplays", "ListArchives", "ListRules" -> {
                return List.of(new ServiceCall(action, "*"));
            }
            default -> {
                String bus = Bodies.text(body, "EventBusName");
                return List.of(new ServiceCall(action, bus == null ? "*" : bus(bus)));
            }
        }
    }

    private List<ServiceCall> putEvents(String action, JsonNode body) {
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

    private static ServiceCall named(String action, String name, java.util.function.UnaryOperator<String> arn) {
        return new ServiceCall(action, name == null ? "*" : arn.apply(name));
    }

    private static void addIfNamed(List<ServiceCall> calls, String action, String resource) {
        if (resource != null) {
            calls.add(new ServiceCall(action, resource));
        }
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
