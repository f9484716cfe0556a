package dev.inferbus.local.eventbridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * An archive of the bus: the events its pattern matched, kept for its retention, oldest first. What the control
 * plane reports of it ({@code ListArchives}, {@code DescribeArchive}) and what a replay reads from it.
 */
public final class Archive {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The archive as the template declares it.
     *
     * @param sourceArn the ARN of the bus it archives ({@code SourceArn}), which a replay must go back to
     * @param eventPattern its pattern as the template writes it (JSON text; empty for every event)
     * @param retentionDays days an event is kept; 0 keeps it indefinitely, EventBridge's default
     */
    public record Definition(String name, String arn, String sourceArn, String eventPattern, int retentionDays,
                             String description) {
    }

    /**
     * @param archivedAt when the bus archived it (what retention counts from)
     * @param eventTime the event's own {@code time}, what a replay's window selects on
     */
    public record ArchivedEvent(Instant archivedAt, Instant eventTime, String json) {
    }

    private final Definition definition;
    private final Instant createdAt;
    private final Deque<ArchivedEvent> events = new ConcurrentLinkedDeque<>();

    Archive(Definition definition, Instant createdAt) {
        this.definition = definition;
        this.createdAt = createdAt;
    }

    public Definition definition() {
        return definition;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /**
     * The pattern the bus archives by: the archive's own, and that the event is no replay. "When you create an
     * archive, EventBridge generates a managed rule on the source event bus that prevents replayed events from
     * being sent to the archive", adding {@code "replay-name": [{"exists": false}]} to the archive's pattern
     * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-archive.html).
     */
    String managedRulePattern() {
        ObjectNode pattern;
        try {
            JsonNode own = definition.eventPattern() == null || definition.eventPattern().isBlank()
                    ? JSON.createObjectNode() : JSON.readTree(definition.eventPattern());
            if (!(own instanceof ObjectNode object)) {
                throw new IllegalArgumentException("archive " + definition.name() + " has a pattern that is no JSON object: "
                        + definition.eventPattern());
            }
            pattern = object.deepCopy();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("archive " + definition.name() + " has a pattern that is no JSON: "
                    + definition.eventPattern(), e);
        }
        pattern.putArray(EventRouter.REPLAY_NAME).addObject().put("exists", false);
        return pattern.toString();
    }

    synchronized void add(ArchivedEvent event) {
        events.addLast(event);
        expire(event.archivedAt());
    }

    /**
     * Drops the events older than the retention; none with a retention of 0 (kept indefinitely). One thread at a
     * time: two that saw the same expired head would otherwise drop the event behind it too.
     */
    private synchronized void expire(Instant now) {
        if (definition.retentionDays() <= 0) {
            return;
        }
        Instant oldest = now.minus(Duration.ofDays(definition.retentionDays()));
        while (!events.isEmpty() && events.peekFirst().archivedAt().isBefore(oldest)) {
            events.pollFirst();
        }
    }

    public long eventCount() {
        expire(Instant.now());
        return events.size();
    }

    /** The archived events' size: their JSON in UTF-8. */
    public long sizeBytes() {
        expire(Instant.now());
        return events.stream().mapToLong(e -> e.json().getBytes(StandardCharsets.UTF_8).length).sum();
    }

    /**
     * The events whose own time lies in [{@code start}, {@code end}), earliest first: "A replay processes events
     * to replay based on the time in the event", and "Only events that occurred between the EventStartTime and
     * EventEndTime are replayed" (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_StartReplay.html);
     * the end is exclusive, "Any event with a creation time prior to the EventEndTime specified is replayed"
     * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Replay.html).
     */
    public List<ArchivedEvent> between(Instant start, Instant end) {
        expire(Instant.now());
        return events.stream()
                .filter(e -> !e.eventTime().isBefore(start) && e.eventTime().isBefore(end))
                .sorted(Comparator.comparing(ArchivedEvent::eventTime))
                .toList();
    }
}
