package dev.inferbus.cdk;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.events.contract.DetailType;
import dev.inferbus.events.routing.Route;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.events.BaseArchiveProps;
import software.amazon.awscdk.services.events.CfnRule;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IRuleTarget;
import software.amazon.awscdk.services.events.Rule;
import software.constructs.Construct;

/**
 * The custom event bus, an archive of every request for replay, and one rule per catalog route whose pattern is
 * exactly {@link Route#eventPattern()} — the same JSON the local cloud loads into event-ruler.
 */
public final class InferenceBus extends Construct {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventBus bus;

    public InferenceBus(Construct scope, String id, String busName, int archiveRetentionDays) {
        super(scope, id);
        bus = EventBus.Builder.create(this, "Bus").eventBusName(busName).build();
        bus.archive("Requests", BaseArchiveProps.builder()
                .description("Every InferenceRequested event, for replay")
                .eventPattern(EventPattern.builder().detailType(List.of(DetailType.REQUESTED)).build())
                .retention(Duration.days(archiveRetentionDays))
                .build());
    }

    public EventBus bus() {
        return bus;
    }

    /** The route's rule, delivering to {@code target}. */
    public Rule addRoute(Route route, IRuleTarget target) {
        Rule rule = Rule.Builder.create(this, "Route-" + route.name())
                .eventBus(bus)
                .description("inferbus route " + route.name() + " (" + route.target().name().toLowerCase() + ")")
                // replaced below by the route's own pattern, which EventPattern's typed fields cannot all express ($or)
                .eventPattern(EventPattern.builder().detailType(List.of(DetailType.REQUESTED)).build())
                .targets(List.of(target))
                .build();
        ((CfnRule) rule.getNode().getDefaultChild()).addPropertyOverride("EventPattern", pattern(route));
        return rule;
    }

    static Map<String, Object> pattern(Route route) {
        try {
            return JSON.readValue(route.eventPattern(), new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (Exception e) {
            throw new IllegalStateException("route " + route.name() + " has an unreadable pattern", e);
        }
    }
}
