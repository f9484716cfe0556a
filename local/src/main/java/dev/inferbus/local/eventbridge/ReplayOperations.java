package dev.inferbus.local.eventbridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.local.iam.gateway.services.Arns;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * StartReplay, DescribeReplay, ListReplays and CancelReplay with the request and response members of the EventBridge
 * API Reference (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_StartReplay.html, API_DescribeReplay,
 * API_ListReplays, API_CancelReplay): what they check of a request, and how they write a {@link Replay}.
 */
final class ReplayOperations {

    private static final int MAX_REPLAY_NAME = 64;

    private final EventRouter router;
    private final Replays replays;
    private final ObjectMapper json;
    private final Arns arns;

    ReplayOperations(EventRouter router, Replays replays, ObjectMapper json, Arns arns) {
        this.router = router;
        this.replays = replays;
        this.json = json;
        this.arns = arns;
    }

    Map<String, Operation> operations() {
        return Map.of("StartReplay", this::start, "DescribeReplay", this::describe, "ListReplays", this::list,
                "CancelReplay", this::cancel);
    }

    /**
     * Checks the request as StartReplay does, in this order: the archive must exist (ResourceNotFoundException), the
     * window must end after it starts, the destination must be the archive's own bus ("You can replay events only to
     * the event bus specified to create the archive",
     * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ReplayDestination.html) and each filter ARN a
     * rule of that bus; then {@link Replays#start} takes the name.
     */
    private ObjectNode start(JsonNode request) throws EventBridgeError {
        String name = Json11.name(request, "ReplayName", "replayName", MAX_REPLAY_NAME);
        String sourceArn = Json11.required(request, "EventSourceArn", "eventSourceArn");
        Instant start = Json11.timestamp(request, "EventStartTime", "eventStartTime");
        Instant end = Json11.timestamp(request, "EventEndTime", "eventEndTime");
        JsonNode destination = request.path("Destination");
        String destinationArn = Json11.required(destination, "Arn", "destination.arn");
        Archive archive = router.archives().stream().filter(a -> a.definition().arn().equals(sourceArn)).findFirst()
                .orElseThrow(() -> EventBridgeError.notFound("Archive " + lastSegment(sourceArn) + " does not exist."));
        if (!end.isAfter(start)) {
            throw EventBridgeError.validation("Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.");
        }
        if (!destinationArn.equals(archive.definition().sourceArn())) {
            throw EventBridgeError.validation("Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.");
        }
        List<String> filterArns = null;
        if (destination.has("FilterArns") && !destination.get("FilterArns").isNull()) {
            filterArns = new ArrayList<>();
            for (JsonNode arn : destination.get("FilterArns")) {
                String ruleArn = arn.asText();
                if (router.rules().stream().noneMatch(rule -> rule.arn().equals(ruleArn))) {
                    throw EventBridgeError.notFound("Rule " + lastSegment(ruleArn) + " does not exist on EventBus "
                            + lastSegment(destinationArn) + ".");
                }
                filterArns.add(ruleArn);
            }
        }
        Replay replay = replays.start(new Replay.Request(name, replayArn(name), Json11.optional(request, "Description"),
                archive, start, end, destinationArn, filterArns == null ? null : List.copyOf(filterArns)));
        Replay.Snapshot started = replay.snapshot();
        ObjectNode answer = json.createObjectNode();
        answer.put("ReplayArn", started.request().arn());
        // StartReplay answers before the replay runs (https://docs.aws.amazon.com/eventbridge/latest/APIReference/
        // API_StartReplay.html): the state it reports is the one the replay was created in, not wherever the runner
        // has taken it since — a short replay here may already be COMPLETED (CI saw that)
        answer.put("State", Replay.State.STARTING.name());
        Json11.putTime(answer, "ReplayStartTime", started.replayStartTime());
        return answer;
    }

    private ObjectNode describe(JsonNode request) throws EventBridgeError {
        Replay.Snapshot replay = find(Json11.name(request, "ReplayName", "replayName", MAX_REPLAY_NAME)).snapshot();
        ObjectNode answer = json.createObjectNode();
        answer.put("ReplayName", replay.request().name());
        answer.put("ReplayArn", replay.request().arn());
        Json11.putIfText(answer, "Description", replay.request().description());
        answer.put("State", replay.state().name());
        Json11.putIfText(answer, "StateReason", replay.stateReason());
        answer.put("EventSourceArn", replay.request().archive().definition().arn());
        ObjectNode destination = answer.putObject("Destination");
        destination.put("Arn", replay.request().destinationArn());
        if (replay.request().filterArns() != null) {
            ArrayNode filters = destination.putArray("FilterArns");
            replay.request().filterArns().forEach(filters::add);
        }
        putTimes(answer, replay);
        return answer;
    }

    /** The replays, each as a {@code Replay} object (no ARN, destination or description); at most one filter. */
    private ObjectNode list(JsonNode request) throws EventBridgeError {
        Json11.oneFilterAtMost(request, "ListReplays");
        String prefix = Json11.optional(request, "NamePrefix");
        String state = Json11.optional(request, "State");
        String source = Json11.optional(request, "EventSourceArn");
        if (state != null && java.util.Arrays.stream(Replay.State.values()).noneMatch(s -> s.name().equals(state))) {
            throw EventBridgeError.validation("1 validation error detected: Value '" + state + "' at 'state' failed to satisfy "
                    + "constraint: Member must satisfy enum value set: " + java.util.Arrays.toString(Replay.State.values()));
        }
        List<Replay.Snapshot> matching = replays.all().stream().map(Replay::snapshot)
                .filter(r -> prefix == null || r.request().name().startsWith(prefix))
                .filter(r -> state == null || r.state().name().equals(state))
                .filter(r -> source == null || r.request().archive().definition().arn().equals(source))
                .toList();
        Json11.Page<Replay.Snapshot> page = Json11.page(matching, request);
        ObjectNode answer = json.createObjectNode();
        ArrayNode list = answer.putArray("Replays");
        for (Replay.Snapshot replay : page.items()) {
            ObjectNode item = list.addObject();
            item.put("ReplayName", replay.request().name());
            item.put("EventSourceArn", replay.request().archive().definition().arn());
            item.put("State", replay.state().name());
            Json11.putIfText(item, "StateReason", replay.stateReason());
            putTimes(item, replay);
        }
        page.putToken(answer);
        return answer;
    }

    private ObjectNode cancel(JsonNode request) throws EventBridgeError {
        Replay replay = find(Json11.name(request, "ReplayName", "replayName", MAX_REPLAY_NAME));
        replay.cancel();
        Replay.Snapshot cancelling = replay.snapshot();
        ObjectNode answer = json.createObjectNode();
        answer.put("ReplayArn", cancelling.request().arn());
        answer.put("State", cancelling.state().name());
        Json11.putIfText(answer, "StateReason", cancelling.stateReason());
        return answer;
    }

    private Replay find(String name) throws EventBridgeError {
        return replays.find(name).orElseThrow(() -> EventBridgeError.notFound("Replay " + name + " does not exist."));
    }

    private static void putTimes(ObjectNode answer, Replay.Snapshot replay) {
        Json11.putTime(answer, "EventStartTime", replay.request().eventStartTime());
        Json11.putTime(answer, "EventEndTime", replay.request().eventEndTime());
        Json11.putTime(answer, "EventLastReplayedTime", replay.eventLastReplayedTime());
        Json11.putTime(answer, "ReplayStartTime", replay.replayStartTime());
        Json11.putTime(answer, "ReplayEndTime", replay.replayEndTime());
    }

    String replayArn(String name) {
        return arns.replay(name);
    }

    private static String lastSegment(String arn) {
        return arn.substring(arn.lastIndexOf('/') + 1);
    }
}
