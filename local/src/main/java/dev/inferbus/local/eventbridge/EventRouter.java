package dev.inferbus.local.eventbridge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.routing.Route;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.event.ruler.Machine;

/**
 * The bus's rules: every catalog route's {@link Route#eventPattern()} loaded into event-ruler, the same matcher
 * EventBridge's patterns are defined by. An event goes to every matching route's target; an event that matches
 * nothing is dropped, as on AWS, and counted.
 */
public final class EventRouter {

    private static final Logger LOG = LoggerFactory.getLogger(EventRouter.class);

    private final Machine machine = new Machine();
    private final Map<String, RouteTarget> targets = new ConcurrentHashMap<>();
    private final AtomicLong routed = new AtomicLong();
    private final AtomicLong unmatched = new AtomicLong();
    private final AtomicLong deliveryFailures = new AtomicLong();

    public EventRouter(List<Route> routes) {
        for (Route route : routes) {
            try {
                machine.addRule(route.name(), route.eventPattern());
            } catch (Exception e) {
                throw new IllegalArgumentException("route " + route.name() + " has a pattern event-ruler refuses: "
                        + route.eventPattern(), e);
            }
        }
    }

    /** Adds a rule beside the catalog's, e.g. to watch the result events inferbus publishes back on the bus. */
    public void addRule(String name, String pattern, RouteTarget target) {
        try {
            machine.addRule(name, pattern);
        } catch (Exception e) {
            throw new IllegalArgumentException("event-ruler refuses the pattern " + pattern, e);
        }
        targets.put(name, target);
    }

    public void target(String routeName, RouteTarget target) {
        targets.put(routeName, target);
    }

    /** The route delivers nowhere until a target is set again (its function was detached). */
    public void untarget(String routeName) {
        targets.remove(routeName);
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
        if (matched.isEmpty()) {
            unmatched.incrementAndGet();
            return matched;
        }
        routed.incrementAndGet();
        for (String name : matched) {
            RouteTarget target = targets.get(name);
            if (target == null) {
                deliveryFailures.incrementAndGet();
                LOG.warn("route {} matched event {} but has no target attached", name, event.path("id").asText());
                continue;
            }
            try {
                target.deliver(event, json);
            } catch (Exception e) {
                deliveryFailures.incrementAndGet();
                LOG.warn("route {} could not deliver event {}: {}", name, event.path("id").asText(), e.toString());
            }
        }
        return matched;
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
