package dev.inferbus.local.eventbridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.event.ruler.Machine;

/**
 * The bus's rules: each rule's {@code EventPattern} from the template loaded into event-ruler, the same matcher
 * EventBridge's patterns are defined by. An event goes to every matching rule's targets; an event that matches
 * nothing is dropped, as on AWS, and counted. Archives keep the events their pattern matches for their retention,
 * and a replay sends archived events back through the rules it names.
 */
public final class EventRouter {

    /**
     * The top-level field EventBridge adds to a replayed event, holding the replay's name: how an archive's managed
     * rule keeps replays out (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-archive.html) and how a
     * consumer tells a replay from a live event.
     */
    public static final String REPLAY_NAME = "replay-name";

    private static final Logger LOG = LoggerFactory.getLogger(EventRouter.class);

    private final Machine machine = new Machine();
    private final Map<String, RouteTarget> targets = new ConcurrentHashMap<>();
    /** The template's rules by name, what the control plane lists; a test's observer is no rule of the bus. */
    private final Map<String, BusRule> rules = new ConcurrentHashMap<>();
    private final AtomicLong routed = new AtomicLong();
    private final AtomicLong unmatched = new AtomicLong();
    private final AtomicLong deliveryFailures = new AtomicLong();

    private final Machine archivePatterns = new Machine();
    private final Map<String, Archive> archives = new ConcurrentHashMap<>();

    /** Adds an observer, e.g. to watch the result events inferbus publishes back on the bus: matched, never listed. */
    public void addRule(String name, String pattern, RouteTarget target) {
        try {
            machine.addRule(name, pattern);
        } catch (Exception e) {
            throw new IllegalArgumentException("rule " + name + " has a pattern event-ruler refuses: " + pattern, e);
        }
        targets.put(name, target);
    }

    /** Adds a rule of the bus: matched, and listed with its ARN for the control plane and replays. */
    public void addRule(BusRule rule, RouteTarget target) {
        addRule(rule.name(), rule.eventPattern(), target);
        rules.put(rule.name(), rule);
    }

    /** The bus's rules, by name. */
    public List<BusRule> rules() {
        return rules.values().stream().sorted(Comparator.comparing(BusRule::name)).toList();
    }

    /** An archive of the bus: every event its pattern matches is kept for its retention (0 = indefinitely). */
    public Archive archive(Archive.Definition definition) {
        Archive archive = new Archive(definition, Instant.now());
        String pattern = archive.managedRulePattern();
        try {
            archivePatterns.addRule(definition.name(), pattern);
        } catch (Exception e) {
            throw new IllegalArgumentException("archive " + definition.name() + " has a pattern event-ruler refuses: " + pattern, e);
        }
        archives.put(definition.name(), archive);
        return archive;
    }

    public Optional<Archive> archive(String name) {
        return Optional.ofNullable(archives.get(name));
    }

    /** The bus's archives, by name. */
    public List<Archive> archives() {
        return archives.values().stream().sorted(Comparator.comparing(a -> a.definition().name())).toList();
    }

    /** Routes one event put on the bus; returns the names of the rules it matched. */
    public List<String> route(JsonNode event) {
        String json = event.toString();
        List<String> matched = match(json);
        archiveIfMatched(event, json);
        if (matched.isEmpty()) {
            unmatched.incrementAndGet();
            return matched;
        }
        routed.incrementAndGet();
        deliver(event, json, matched);
        return matched;
    }

    /**
     * Sends one archived event back through the bus as a replay does: with the top-level {@code replay-name} added,
     * to the matching rules among {@code ruleArns} (every rule of the bus when null, as a replay without
     * {@code Destination.FilterArns}; https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ReplayDestination.html).
     * The archives' managed pattern keeps it out of them. Replays count in neither {@link Stats#routed} nor
     * {@link Stats#unmatched}: those are of the events put on the bus.
     *
     * @return the names of the rules it was delivered to
     */
    public List<String> replay(JsonNode archived, String replayName, Set<String> ruleArns) {
        ObjectNode event = archived.deepCopy();
        event.put(REPLAY_NAME, replayName);
        String json = event.toString();
        List<String> matched = match(json).stream().filter(name -> ruleArns == null
                || (rules.containsKey(name) && ruleArns.contains(rules.get(name).arn()))).toList();
        archiveIfMatched(event, json);
        deliver(event, json, matched);
        return matched;
    }

    private List<String> match(String json) {
        try {
            return machine.rulesForJSONEvent(json);
        } catch (Exception e) {
            throw new IllegalStateException("event-ruler cannot read an event it was given", e);
        }
    }

    private void deliver(JsonNode event, String json, List<String> ruleNames) {
        for (String name : ruleNames) {
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
    }

    private void archiveIfMatched(JsonNode event, String json) {
        if (archives.isEmpty()) {
            return;
        }
        List<String> names;
        try {
            names = archivePatterns.rulesForJSONEvent(json);
        } catch (Exception e) {
            throw new IllegalStateException("event-ruler cannot read an event it was given", e);
        }
        Instant now = Instant.now();
        for (String name : names) {
            archives.get(name).add(new Archive.ArchivedEvent(now, eventTime(event, now), json));
        }
    }

    /** The event's {@code time} (PutEvents always sets one), or {@code fallback} for an event without a readable one. */
    private static Instant eventTime(JsonNode event, Instant fallback) {
        try {
            return Instant.parse(event.path("time").asText());
        } catch (java.time.format.DateTimeParseException e) {
            return fallback;
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
