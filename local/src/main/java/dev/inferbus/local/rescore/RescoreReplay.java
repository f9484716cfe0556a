package dev.inferbus.local.rescore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.events.replay.Rescore;
import dev.inferbus.events.routing.Route;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.ArchiveState;
import software.amazon.awssdk.services.eventbridge.model.DescribeReplayResponse;
import software.amazon.awssdk.services.eventbridge.model.ListArchivesResponse;
import software.amazon.awssdk.services.eventbridge.model.ListRulesResponse;
import software.amazon.awssdk.services.eventbridge.model.ReplayState;
import software.amazon.awssdk.services.eventbridge.model.Rule;
import software.amazon.awssdk.services.eventbridge.model.StartReplayResponse;

/**
 * A re-scoring as EventBridge calls, the same against AWS and the local cloud: the bus's archive and the rule of
 * the model's route are found through the control plane, never assumed from names, and the replay sends the window's
 * archived requests to that rule alone ({@code Destination.FilterArns}), named as {@link Rescore} says.
 */
public final class RescoreReplay {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<ReplayState> ENDED = Set.of(ReplayState.COMPLETED, ReplayState.CANCELLED, ReplayState.FAILED);

    /** Where a re-scoring replays from and to. */
    public record Target(String busArn, String archiveName, String archiveArn, String ruleName, String ruleArn) {
    }

    /** What cannot be replayed: the bus has no archive, or no rule with the route's pattern. */
    public static final class NotReplayable extends RuntimeException {
        NotReplayable(String message) {
            super(message);
        }
    }

    private final EventBridgeClient events;

    public RescoreReplay(EventBridgeClient events) {
        this.events = events;
    }

    /**
     * The bus's ARN (DescribeEventBus), its archive (ListArchives by {@code EventSourceArn}, then DescribeArchive for
     * the ARN a replay names), and the rule among the bus's rules (ListRules) whose pattern is the route's
     * {@link Route#eventPattern()}, compared as parsed JSON: a template re-serializes the pattern.
     */
    public Target find(String busName, Route route) {
        String busArn = events.describeEventBus(b -> b.name(busName)).arn();
        List<String> archives = new ArrayList<>();
        String token = null;
        do {
            String page = token;
            ListArchivesResponse response = events.listArchives(b -> b.eventSourceArn(busArn).nextToken(page));
            response.archives().stream().filter(a -> a.state() == ArchiveState.ENABLED).forEach(a -> archives.add(a.archiveName()));
            token = response.nextToken();
        } while (token != null);
        if (archives.size() != 1) {
            throw new NotReplayable(archives.isEmpty()
                    ? "bus " + busName + " has no enabled archive: there is nothing to replay"
                    : "bus " + busName + " has " + archives.size() + " archives " + archives + "; the stack deploys one");
        }
        String archiveArn = events.describeArchive(b -> b.archiveName(archives.get(0))).archiveArn();
        Rule rule = ruleOf(busName, route);
        return new Target(busArn, archives.get(0), archiveArn, rule.name(), rule.arn());
    }

    private Rule ruleOf(String busName, Route route) {
        JsonNode wanted = parse(route.eventPattern());
        List<Rule> matching = new ArrayList<>();
        String token = null;
        do {
            String page = token;
            ListRulesResponse response = events.listRules(b -> b.eventBusName(busName).nextToken(page));
            response.rules().stream().filter(r -> r.eventPattern() != null && wanted.equals(parse(r.eventPattern()))).forEach(matching::add);
            token = response.nextToken();
        } while (token != null);
        if (matching.size() != 1) {
            throw new NotReplayable("bus " + busName + " has " + (matching.isEmpty() ? "no rule" : matching.size() + " rules")
                    + " with the pattern of route " + route.name() + " (" + route.eventPattern() + ")");
        }
        return matching.get(0);
    }

    /** Starts the replay of [{@code from}, {@code to}) to the target's rule. */
    public StartReplayResponse start(Target target, Rescore rescore, Instant from, Instant to) {
        return events.startReplay(b -> b.replayName(rescore.replayName())
                .description("inferbus: re-score " + rescore.model() + " with version " + rescore.version())
                .eventSourceArn(target.archiveArn())
                .eventStartTime(from).eventEndTime(to)
                .destination(d -> d.arn(target.busArn()).filterArns(target.ruleArn())));
    }

    /** Polls DescribeReplay until the replay has COMPLETED, FAILED or was CANCELLED, telling each state seen. */
    public DescribeReplayResponse await(String replayName, Duration poll, java.util.function.Consumer<DescribeReplayResponse> seen)
            throws InterruptedException {
        ReplayState last = null;
        while (true) {
            DescribeReplayResponse replay = events.describeReplay(b -> b.replayName(replayName));
            if (replay.state() != last) {
                seen.accept(replay);
                last = replay.state();
            }
            if (ENDED.contains(replay.state())) {
                return replay;
            }
            Thread.sleep(poll.toMillis());
        }
    }

    private static JsonNode parse(String pattern) {
        try {
            return JSON.readTree(pattern);
        } catch (JsonProcessingException e) {
            return JSON.missingNode();
        }
    }
}
