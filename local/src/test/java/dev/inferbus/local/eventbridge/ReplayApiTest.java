package dev.inferbus.local.eventbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.local.cloud.AwsClients;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.ArchiveState;
import software.amazon.awssdk.services.eventbridge.model.DescribeArchiveResponse;
import software.amazon.awssdk.services.eventbridge.model.DescribeReplayResponse;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.IllegalStatusException;
import software.amazon.awssdk.services.eventbridge.model.ListReplaysResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.Replay;
import software.amazon.awssdk.services.eventbridge.model.ReplayState;
import software.amazon.awssdk.services.eventbridge.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eventbridge.model.Rule;
import software.amazon.awssdk.services.eventbridge.model.StartReplayRequest;
import software.amazon.awssdk.services.eventbridge.model.StartReplayResponse;

/**
 * The local EventBridge's replay API through the AWS SDK's own client: which archived events a replay sends, where
 * to, what they carry, what it refuses, and the shapes of StartReplay, DescribeReplay, ListReplays, CancelReplay,
 * ListRules, ListArchives and DescribeArchive.
 */
class ReplayApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REGION = "us-east-1";
    private static final String ACCOUNT = "123456789012";
    private static final String BUS = "inferbus";
    private static final String BUS_ARN = "arn:aws:events:us-east-1:123456789012:event-bus/inferbus";
    private static final String ARCHIVE_ARN = "arn:aws:events:us-east-1:123456789012:archive/requests";
    private static final String REQUESTS = "{\"detail-type\":[\"InferenceRequested\"]}";
    private static final BusRule ROUTE_A = new BusRule("route-a", "arn:aws:events:us-east-1:123456789012:rule/inferbus/route-a",
            BUS, "{\"detail-type\":[\"InferenceRequested\"],\"detail\":{\"model\":[\"a\"]}}");
    private static final BusRule ROUTE_ALL = new BusRule("route-all", "arn:aws:events:us-east-1:123456789012:rule/inferbus/route-all",
            BUS, REQUESTS);
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final Instant T1 = T0.plusSeconds(60);

    private final Map<String, List<JsonNode>> delivered = new ConcurrentHashMap<>();
    private volatile Consumer<JsonNode> onRouteA = event -> { };
    private PutEventsServer server;
    private EventBridgeClient events;

    @BeforeEach
    void start() throws IOException {
        EventRouter router = new EventRouter();
        router.addRule(ROUTE_A, (event, json) -> {
            onRouteA.accept(event);
            deliveredTo("route-a").add(JSON.readTree(json));
        });
        router.addRule(ROUTE_ALL, (event, json) -> deliveredTo("route-all").add(JSON.readTree(json)));
        router.archive(new Archive.Definition("requests", ARCHIVE_ARN, BUS_ARN, REQUESTS, 30, "every request"));
        server = PutEventsServer.start(0, router, BUS, REGION, ACCOUNT, JSON);
        events = AwsClients.configure(EventBridgeClient.builder(), server.endpoint()).build();
    }

    @AfterEach
    void stop() {
        events.close();
        server.close();
    }

    private List<JsonNode> deliveredTo(String rule) {
        return delivered.computeIfAbsent(rule, r -> new CopyOnWriteArrayList<>());
    }

    @Test
    void aReplayResendsTheWindowsEventsToItsFilterRulesWithItsNameAndArchivesNoneOfThem() {
        put("a", "before", T0.minusSeconds(1));
        put("a", "first", T0);
        put("b", "other-model", T0.plusSeconds(30));
        put("a", "last", T0.plusSeconds(59));
        put("a", "at-end", T1);
        delivered.clear();
        String name = "rescore.a.2.20240501T110000";

        StartReplayResponse started = events.startReplay(replay(name).destination(d -> d.arn(BUS_ARN).filterArns(ROUTE_A.arn())).build());
        DescribeReplayResponse done = awaitEnd(name);

        assertThat(started.replayArn()).isEqualTo("arn:aws:events:us-east-1:123456789012:replay/" + name);
        assertThat(started.state()).isEqualTo(ReplayState.STARTING);
        assertThat(started.replayStartTime()).isNotNull();
        assertThat(done.state()).isEqualTo(ReplayState.COMPLETED);
        assertThat(done.replayName()).isEqualTo(name);
        assertThat(done.replayArn()).isEqualTo(started.replayArn());
        assertThat(done.eventSourceArn()).isEqualTo(ARCHIVE_ARN);
        assertThat(done.destination().arn()).isEqualTo(BUS_ARN);
        assertThat(done.destination().filterArns()).containsExactly(ROUTE_A.arn());
        assertThat(done.eventStartTime()).isEqualTo(T0);
        assertThat(done.eventEndTime()).isEqualTo(T1);
        assertThat(done.eventLastReplayedTime()).isEqualTo(T0.plusSeconds(59));
        assertThat(done.replayStartTime()).isEqualTo(started.replayStartTime());
        assertThat(done.replayEndTime()).isAfterOrEqualTo(done.replayStartTime());
        // the window is [start, end) by the events' own time; only the filter's rule gets them, each with the replay's name
        assertThat(deliveredTo("route-a")).extracting(e -> e.path("detail").path("requestId").asText()).containsExactly("first", "last");
        assertThat(deliveredTo("route-a")).allSatisfy(e -> {
            assertThat(e.path("replay-name").asText()).isEqualTo(name);
            assertThat(e.path("detail").path("model").asText()).isEqualTo("a");
            assertThat(e.path("detail-type").asText()).isEqualTo("InferenceRequested");
        });
        assertThat(deliveredTo("route-all")).isEmpty();
        // replayed events are not archived again
        assertThat(events.describeArchive(b -> b.archiveName("requests")).eventCount()).isEqualTo(5);
    }

    @Test
    void withoutFilterArnsEveryRuleOfTheBusGetsTheReplay() {
        put("a", "r-a", T0);
        put("b", "r-b", T0.plusSeconds(1));
        delivered.clear();

        events.startReplay(replay("all-rules").build());
        assertThat(awaitEnd("all-rules").state()).isEqualTo(ReplayState.COMPLETED);

        assertThat(deliveredTo("route-a")).extracting(e -> e.path("detail").path("requestId").asText()).containsExactly("r-a");
        assertThat(deliveredTo("route-all")).extracting(e -> e.path("detail").path("requestId").asText()).containsExactly("r-a", "r-b");
        assertThat(events.describeReplay(b -> b.replayName("all-rules")).destination().filterArns()).isEmpty();
    }

    @Test
    void aReplayOfAnEmptyWindowCompletesWithoutALastReplayedTime() {
        events.startReplay(replay("empty").build());

        DescribeReplayResponse done = awaitEnd("empty");

        assertThat(done.state()).isEqualTo(ReplayState.COMPLETED);
        assertThat(done.eventLastReplayedTime()).isNull();
        assertThat(delivered.values()).allSatisfy(list -> assertThat(list).isEmpty());
    }

    @Test
    void aReplayNameInUseIsRefused() {
        events.startReplay(replay("twice").build());

        assertThatThrownBy(() -> events.startReplay(replay("twice").build()))
                .isInstanceOfSatisfying(ResourceAlreadyExistsException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Replay twice already exists.");
                });
    }

    @Test
    void anArchiveThatDoesNotExistIsRefused() {
        assertThatThrownBy(() -> events.startReplay(replay("nowhere")
                .eventSourceArn("arn:aws:events:us-east-1:123456789012:archive/nope").build()))
                .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Archive nope does not exist.");
                });
        assertThatThrownBy(() -> events.describeReplay(b -> b.replayName("nowhere")))
                .isInstanceOfSatisfying(ResourceNotFoundException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Replay nowhere does not exist."));
    }

    @Test
    void anEndThatIsNotAfterTheStartIsRefused() {
        assertThatThrownBy(() -> events.startReplay(replay("backwards").eventEndTime(T0).build()))
                .isInstanceOfSatisfying(EventBridgeException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo("Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.");
                });
        assertThat(events.listReplays(b -> { }).replays()).isEmpty();
    }

    @Test
    void aReplayGoesBackToTheArchivesBusOnlyAndToItsRules() {
        assertThatThrownBy(() -> events.startReplay(replay("elsewhere")
                .destination(d -> d.arn("arn:aws:events:us-east-1:123456789012:event-bus/audit")).build()))
                .isInstanceOfSatisfying(EventBridgeException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("Destination.Arn");
                });
        assertThatThrownBy(() -> events.startReplay(replay("no-such-rule")
                .destination(d -> d.arn(BUS_ARN).filterArns("arn:aws:events:us-east-1:123456789012:rule/inferbus/gone")).build()))
                .isInstanceOfSatisfying(ResourceNotFoundException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Rule gone does not exist on EventBus inferbus."));
    }

    @Test
    void listReplaysShowsEachReplayAndTakesAtMostOneFilter() {
        events.startReplay(replay("p.one").build());
        events.startReplay(replay("q.two").eventStartTime(T0.minusSeconds(600)).build());
        awaitEnd("p.one");
        awaitEnd("q.two");

        List<Replay> all = events.listReplays(b -> { }).replays();

        assertThat(all).extracting(Replay::replayName).containsExactlyInAnyOrder("p.one", "q.two");
        Replay two = all.stream().filter(r -> r.replayName().equals("q.two")).findFirst().orElseThrow();
        assertThat(two.eventSourceArn()).isEqualTo(ARCHIVE_ARN);
        assertThat(two.state()).isEqualTo(ReplayState.COMPLETED);
        assertThat(two.eventStartTime()).isEqualTo(T0.minusSeconds(600));
        assertThat(two.eventEndTime()).isEqualTo(T1);
        assertThat(two.replayStartTime()).isNotNull();
        assertThat(two.replayEndTime()).isNotNull();
        assertThat(events.listReplays(b -> b.namePrefix("p.")).replays()).extracting(Replay::replayName).containsExactly("p.one");
        assertThat(events.listReplays(b -> b.state(ReplayState.RUNNING)).replays()).isEmpty();
        assertThat(events.listReplays(b -> b.eventSourceArn(ARCHIVE_ARN)).replays()).hasSize(2);
        ListReplaysResponse first = events.listReplays(b -> b.limit(1));
        assertThat(first.replays()).hasSize(1);
        assertThat(first.nextToken()).isNotBlank();
        ListReplaysResponse second = events.listReplays(b -> b.limit(1).nextToken(first.nextToken()));
        assertThat(second.replays()).hasSize(1).doesNotContainAnyElementsOf(first.replays());
        assertThat(second.nextToken()).isNull();
        assertThatThrownBy(() -> events.listReplays(b -> b.namePrefix("p.").state(ReplayState.COMPLETED)))
                .isInstanceOfSatisfying(EventBridgeException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("At most one filter is allowed for ListReplays. Use either : State, EventSourceArn, or NamePrefix."));
    }

    @Test
    void aRunningReplayCancelsBeforeItsNextEventAndAnEndedOneCannotBeCancelled() throws Exception {
        put("a", "held", T0);
        put("a", "never", T0.plusSeconds(1));
        delivered.clear();
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        onRouteA = event -> {
            reached.countDown();
            awaitQuietly(release);
        };

        events.startReplay(replay("halted").destination(d -> d.arn(BUS_ARN).filterArns(ROUTE_A.arn())).build());
        assertThat(reached.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(events.describeReplay(b -> b.replayName("halted")).state()).isEqualTo(ReplayState.RUNNING);
        var cancelling = events.cancelReplay(b -> b.replayName("halted"));
        release.countDown();
        DescribeReplayResponse done = awaitEnd("halted");

        assertThat(cancelling.state()).isEqualTo(ReplayState.CANCELLING);
        assertThat(cancelling.replayArn()).endsWith(":replay/halted");
        assertThat(done.state()).isEqualTo(ReplayState.CANCELLED);
        assertThat(done.replayEndTime()).isNotNull();
        assertThat(deliveredTo("route-a")).extracting(e -> e.path("detail").path("requestId").asText()).containsExactly("held");
        assertThatThrownBy(() -> events.cancelReplay(b -> b.replayName("halted")))
                .isInstanceOfSatisfying(IllegalStatusException.class, e -> assertThat(e.statusCode()).isEqualTo(400));
    }

    @Test
    void listRulesListArchivesAndDescribeArchiveShowTheBussResources() throws Exception {
        put("a", "counted", T0);

        List<Rule> rules = events.listRules(b -> b.eventBusName(BUS)).rules();
        DescribeArchiveResponse archive = events.describeArchive(b -> b.archiveName("requests"));

        assertThat(rules).extracting(Rule::name).containsExactly("route-a", "route-all");
        assertThat(rules.get(0).arn()).isEqualTo(ROUTE_A.arn());
        assertThat(JSON.readTree(rules.get(0).eventPattern())).isEqualTo(JSON.readTree(ROUTE_A.eventPattern()));
        assertThat(rules.get(0).stateAsString()).isEqualTo("ENABLED");
        assertThat(rules.get(0).eventBusName()).isEqualTo(BUS);
        assertThat(events.listRules(b -> b.eventBusName(BUS_ARN).namePrefix("route-al")).rules()).extracting(Rule::name)
                .containsExactly("route-all");
        assertThat(events.listRules(b -> { }).rules()).as("the default bus has no rules here").isEmpty();
        assertThatThrownBy(() -> events.listRules(b -> b.eventBusName("audit"))).isInstanceOf(ResourceNotFoundException.class);
        assertThat(events.listArchives(b -> b.eventSourceArn(BUS_ARN)).archives()).singleElement().satisfies(a -> {
            assertThat(a.archiveName()).isEqualTo("requests");
            assertThat(a.eventSourceArn()).isEqualTo(BUS_ARN);
            assertThat(a.state()).isEqualTo(ArchiveState.ENABLED);
            assertThat(a.retentionDays()).isEqualTo(30);
            assertThat(a.eventCount()).isEqualTo(1);
            assertThat(a.sizeBytes()).isPositive();
            assertThat(a.creationTime()).isNotNull();
        });
        assertThat(events.listArchives(b -> b.eventSourceArn("arn:aws:events:us-east-1:123456789012:event-bus/audit")).archives()).isEmpty();
        assertThat(archive.archiveArn()).isEqualTo(ARCHIVE_ARN);
        assertThat(archive.eventSourceArn()).isEqualTo(BUS_ARN);
        assertThat(JSON.readTree(archive.eventPattern())).isEqualTo(JSON.readTree(REQUESTS));
        assertThat(archive.description()).isEqualTo("every request");
        assertThat(archive.retentionDays()).isEqualTo(30);
        assertThat(archive.state()).isEqualTo(ArchiveState.ENABLED);
        assertThat(archive.eventCount()).isEqualTo(1);
        assertThatThrownBy(() -> events.describeArchive(b -> b.archiveName("nope"))).isInstanceOf(ResourceNotFoundException.class);
        assertThat(events.describeEventBus(b -> b.name(BUS)).arn()).isEqualTo(BUS_ARN);
    }

    @Test
    void timestampsAreEpochSecondsOnTheWireAsAwsJson11WritesThem() throws Exception {
        events.startReplay(replay("wire").build());
        awaitEnd("wire");

        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.endpoint())
                .header("X-Amz-Target", "AWSEvents.DescribeReplay").header("Content-Type", "application/x-amz-json-1.1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"ReplayName\":\"wire\"}")).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(response.body());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-amz-json-1.1");
        assertThat(body.path("EventStartTime").isNumber()).as(response.body()).isTrue();
        assertThat(body.path("EventStartTime").asLong()).isEqualTo(T0.getEpochSecond());
        assertThat(body.path("ReplayStartTime").isNumber()).isTrue();
    }

    private StartReplayRequest.Builder replay(String name) {
        return StartReplayRequest.builder().replayName(name).eventSourceArn(ARCHIVE_ARN).eventStartTime(T0).eventEndTime(T1)
                .destination(d -> d.arn(BUS_ARN));
    }

    private void put(String model, String requestId, Instant time) {
        var response = events.putEvents(b -> b.entries(PutEventsRequestEntry.builder().eventBusName(BUS).source("app.test")
                .detailType("InferenceRequested").time(time)
                .detail("{\"requestId\":\"" + requestId + "\",\"model\":\"" + model + "\"}").build()));
        assertThat(response.failedEntryCount()).isZero();
    }

    private DescribeReplayResponse awaitEnd(String name) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            DescribeReplayResponse replay = events.describeReplay(b -> b.replayName(name));
            if (Set.of(ReplayState.COMPLETED, ReplayState.CANCELLED, ReplayState.FAILED).contains(replay.state())) {
                return replay;
            }
            assertThat(System.nanoTime()).as("replay %s still %s", name, replay.state()).isLessThan(deadline);
            sleep(20);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
