package dev.inferbus.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.events.routing.Route;
import dev.inferbus.events.samples.SampleEvents;
import dev.inferbus.local.eventbridge.EventRouter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.event.ruler.Machine;

/**
 * The routing contract: the rules in the synthesized template, loaded into event-ruler, route every sample event
 * to exactly the rule — and the kind of target — that the local cloud's router sends it to.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutingContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private Synthesized synth;
    private final Machine cloudRules = new Machine();
    private final Map<String, String> targetTypeByRule = new java.util.HashMap<>();
    private EventRouter localRouter;
    private final List<String> locallyRouted = new ArrayList<>();

    @BeforeAll
    @SuppressWarnings("unchecked")
    void loadBothRouters() throws Exception {
        synth = new Synthesized();
        for (var rule : synth.resources("AWS::Events::Rule").entrySet()) {
            cloudRules.addRule(rule.getKey(), JSON.writeValueAsString(rule.getValue().get("EventPattern")));
            Map<String, Object> target = ((List<Map<String, Object>>) rule.getValue().get("Targets")).get(0);
            targetTypeByRule.put(rule.getKey(), synth.typeOf(logicalIdOf(target.get("Arn"))));
        }
        localRouter = new EventRouter(synth.catalog.routes());
        for (Route r : synth.catalog.routes()) {
            localRouter.target(r.name(), (event, json) -> locallyRouted.add(r.name()));
        }
    }

    @Test
    void everySampleMatchesExactlyTheRuleAndTargetTypeTheLocalCloudRoutesItTo() throws Exception {
        for (SampleEvents.Sample sample : SampleEvents.all()) {
            JsonNode event = sample.event();
            locallyRouted.clear();
            localRouter.route(event);
            assertThat(locallyRouted).as(sample.name()).hasSize(1);
            Route local = synth.catalog.routes().stream().filter(r -> r.name().equals(locallyRouted.get(0))).findFirst().orElseThrow();

            List<String> matched = cloudRules.rulesForJSONEvent(event.toString());

            assertThat(matched).as(sample.name()).hasSize(1);
            String rule = matched.get(0);
            assertThat(rule).as(sample.name()).contains(local.name().replace("-", ""));
            assertThat(targetTypeByRule.get(rule)).as(sample.name()).isEqualTo(switch (local.target()) {
                case QUEUE -> "AWS::SQS::Queue";
                case STREAM -> "AWS::Kinesis::Stream";
                case FUNCTION -> "AWS::Lambda::Alias";
            });
        }
    }

    @SuppressWarnings("unchecked")
    private static String logicalIdOf(Object arn) {
        Map<String, Object> intrinsic = (Map<String, Object>) arn;
        if (intrinsic.containsKey("Ref")) {
            return (String) intrinsic.get("Ref");
        }
        return (String) ((List<Object>) intrinsic.get("Fn::GetAtt")).get(0);
    }
}
