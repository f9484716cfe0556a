package dev.inferbus.local.eventbridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.local.iam.gateway.services.Arns;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * What the control plane tells of the bus the template deployed: DescribeEventBus, ListRules, ListArchives and
 * DescribeArchive, with the members of the EventBridge API Reference
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListRules.html, API_ListArchives,
 * API_DescribeArchive, API_DescribeEventBus). The local EventBridge has the template's bus and the account's
 * {@code default} bus, which has no rules or archives here; any other bus does not exist.
 */
final class BusOperations {

    /** An archive of the template is ready once deployed. */
    private static final String ARCHIVE_ENABLED = "ENABLED";
    private static final int MAX_ARCHIVE_NAME = 48;

    private final EventRouter router;
    private final ObjectMapper json;
    private final String busName;
    private final Arns arns;

    BusOperations(EventRouter router, ObjectMapper json, String busName, Arns arns) {
        this.router = router;
        this.json = json;
        this.busName = busName;
        this.arns = arns;
    }

    Map<String, Operation> operations() {
        return Map.of("DescribeEventBus", this::describeBus, "ListRules", this::listRules, "ListArchives", this::listArchives,
                "DescribeArchive", this::describeArchive);
    }

    private ObjectNode describeBus(JsonNode request) throws EventBridgeError {
        String bus = bus(Json11.optional(request, "Name"));
        return json.createObjectNode().put("Name", bus).put("Arn", busArn(bus));
    }

    /** The rules of one bus ({@code EventBusName}, a name or an ARN; {@code default} when absent), by name. */
    private ObjectNode listRules(JsonNode request) throws EventBridgeError {
        String bus = bus(Json11.optional(request, "EventBusName"));
        String prefix = Json11.optional(request, "NamePrefix");
        List<BusRule> rules = router.rules().stream()
                .filter(rule -> rule.busName().equals(bus))
                .filter(rule -> prefix == null || rule.name().startsWith(prefix))
                .toList();
        Json11.Page<BusRule> page = Json11.page(rules, request);
        ObjectNode answer = json.createObjectNode();
        ArrayNode list = answer.putArray("Rules");
        for (BusRule rule : page.items()) {
            list.addObject().put("Name", rule.name()).put("Arn", rule.arn()).put("EventPattern", rule.eventPattern())
                    .put("State", BusRule.ENABLED).put("EventBusName", rule.busName());
        }
        page.putToken(answer);
        return answer;
    }

    /** The archives, each as an {@code Archive} object (no ARN, pattern or description); at most one filter. */
    private ObjectNode listArchives(JsonNode request) throws EventBridgeError {
        Json11.oneFilterAtMost(request, "ListArchives");
        String prefix = Json11.optional(request, "NamePrefix");
        String source = Json11.optional(request, "EventSourceArn");
        String state = Json11.optional(request, "State");
        List<Archive> archives = router.archives().stream()
                .filter(a -> prefix == null || a.definition().name().startsWith(prefix))
                .filter(a -> source == null || a.definition().sourceArn().equals(source))
                .filter(a -> state == null || state.equals(ARCHIVE_ENABLED))
                .toList();
        Json11.Page<Archive> page = Json11.page(archives, request);
        ObjectNode answer = json.createObjectNode();
        ArrayNode list = answer.putArray("Archives");
        for (Archive archive : page.items()) {
            ObjectNode item = list.addObject();
            item.put("ArchiveName", archive.definition().name());
            item.put("EventSourceArn", archive.definition().sourceArn());
            putCounts(item, archive);
        }
        page.putToken(answer);
        return answer;
    }

    private ObjectNode describeArchive(JsonNode request) throws EventBridgeError {
        String name = Json11.name(request, "ArchiveName", "archiveName", MAX_ARCHIVE_NAME);
        Archive archive = router.archive(name).orElseThrow(() -> EventBridgeError.notFound("Archive " + name + " does not exist."));
        ObjectNode answer = json.createObjectNode();
        answer.put("ArchiveArn", archive.definition().arn());
        answer.put("ArchiveName", name);
        answer.put("EventSourceArn", archive.definition().sourceArn());
        Json11.putIfText(answer, "Description", archive.definition().description());
        if (archive.definition().eventPattern() != null && !archive.definition().eventPattern().isBlank()) {
            answer.put("EventPattern", archive.definition().eventPattern());
        }
        putCounts(answer, archive);
        return answer;
    }

    /** State, retention, size, count and creation time: what both archive answers carry. */
    private static void putCounts(ObjectNode answer, Archive archive) {
        answer.put("State", ARCHIVE_ENABLED);
        answer.put("RetentionDays", archive.definition().retentionDays());
        answer.put("SizeBytes", archive.sizeBytes());
        answer.put("EventCount", archive.eventCount());
        Json11.putTime(answer, "CreationTime", archive.createdAt());
    }

    /** A bus by name or ARN: this one or {@code default}; "Event bus X does not exist." otherwise, as PutEvents says. */
    private String bus(String nameOrArn) throws EventBridgeError {
        String name = nameOrArn == null ? "default" : nameOrArn.substring(nameOrArn.lastIndexOf('/') + 1);
        if (!name.equals(busName) && !name.equals("default")) {
            throw EventBridgeError.notFound("Event bus " + name + " does not exist.");
        }
        return name;
    }

    String busArn(String name) {
        return arns.eventBus(name);
    }
}
