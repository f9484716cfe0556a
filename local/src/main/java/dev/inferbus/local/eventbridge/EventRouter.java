package dev.inferbus.local.eventbridge;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.event.ruler.Machine;

/**
 * The bus's rules: each rule's {@code EventPattern} from the template loaded into event-ruler, the same matcher
 * EventBridge's patterns are defined by. An event goes to every matching rule's targets; an event that matches
 * nothing is dropped, as on AWS, and counted. Archives keep the events their pattern matches for their retention.
 */
public final class EventRouter {

    private static final Logger LOG = LoggerFactory.getLogger(EventRouter.class);

    private final Machine machine = new Machine();
    private final Map<String, RouteTarget> targets = new ConcurrentHashMap<>();
    private final AtomicLong routed = new AtomicLong();
    private final AtomicLong unmatched = new AtomicLong();
    private final AtomicLong deliveryFailures = new AtomicLong();

    private final Machine archivePatterns = new Machine();
    private final Map<String, Archive> archives = new ConcurrentHashMap<>();

    /** An archive's events, kept for its retention (0: forever), oldest first. */
    public record Archive(String name, Duration retention, java.util.Deque<ArchivedEvent> events) {
    }

    public record ArchivedEvent(Instant archivedAt, String json) {
    }

    /** Adds a rule, e.g. to watch the result events inferbus publishes back on the bus. */
    public void addRule(String name, String pattern, RouteTarget target) {
        try {
            machine.addRule(name, pattern);
        } catch (Exception e) {
            throw new IllegalArgumentException("rule " + name + " has a pattern event-ruler refuses: " + pattern, e);
        }
        targets.put(name, target);
    }

    /** An archive of the bus: every event its pattern matches is kept for {@code retentionDays} (0 = forever). */
    public void archive(String name, String pattern, int retentionDays) {
        try {
            archivePatterns.addRule(name, pattern);
        } catch (Exception e) {
            throw new IllegalArgumentException("archive " + name + " has a pattern event-ruler refuses: " + pattern, e);
        }
        archives.put(name, new Archive(name, Duration.ofDays(retentionDays), new java.util.concurrent.ConcurrentLinkedDeque<>()));
    }

    public java.util.Optional<Archive> archive(String name) {
        return java.util.Optional.ofNullable(archives.get(name));
    }

    /** Routes one event; returns the names of the routes it matched. */
    public List<String> route(JsonNode event) {
        String json = event.toString();
        List<String> matched;
        try {
            matched = machine.rulesForJSONEvent(json);
        } catch (Exception e) {
            throw new IllegalStateException("event-ruler cannot read an event it was given", e);
        }
        archiveIfMatched(json);
        if (matched.isEmpty()) {
            unmatched.incrementAndGet();
            return matched;
        }
        routed.incrementAndGet();
        for (String name : matched) {
            RouteTarget target = targets.get(name);
            if (target == null) {
                deliveryFailures.incrementAndGet();
                LOG.warn("rule {} matched event {} but has no target", name, event.path("id").asText());
                continue;
            }
            try {
                target.deliver(event, json);
            } catch (Exception e) {
                deliveryFailures.incrementAndGet();
                LOG.warn("rule {} could not deliver event {}: {}", name, event.path("id").asText(), e.toString());
            }
        }
        return matched;
    }

    private void archiveIfMatched(String json) {
        if (archives.isEmpty()) {
            return;
        }
        try {
            Instant now = Instant.now();
            for (String name : archivePatterns.rulesForJSONEvent(json)) {
                Archive archive = archives.get(name);
                archive.events().addLast(new ArchivedEvent(now, json));
                while (!archive.retention().isZero() && !archive.events().isEmpty()
                        && archive.events().peekFirst().archivedAt().isBefore(now.minus(archive.retention()))) {
                    archive.events().pollFirst();
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("event-ruler cannot read an event it was given", e);
        }
    }

    public Stats stats() {
        return new Stats(routed.get(), unmatched.get(), deliveryFailures.get());
    }

    /**
     * @param routed events that matched at least one rule
     * @param unmatched events that matched no rule and went nowhere
     * @param deliveryFailures deliveries a target refused
     */
    public record Stats(long routed, long unmatched, long deliveryFailures) {
    }
}
