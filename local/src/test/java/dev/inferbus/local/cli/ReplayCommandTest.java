package dev.inferbus.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.routing.Route;
import dev.inferbus.local.cloud.AwsClients;
import dev.inferbus.local.cloud.CloudBackend;
import dev.inferbus.local.cloud.EmbeddedBackend;
import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.cloud.LocalCloudExtension;
import dev.inferbus.local.eventbridge.Archive;
import dev.inferbus.local.eventbridge.BusRule;
import dev.inferbus.local.eventbridge.EventRouter;
import dev.inferbus.local.eventbridge.PutEventsServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * {@code ./inferbus replay} against the local EventBridge, with the catalog's routes as the bus's rules (their
 * patterns written as a template would, not character for character as {@link Route#eventPattern()}) and an archive
 * of every request: it finds the archive and the model's rule and replays the window to that rule only; and once
 * against the local cloud, whose rules and archive are the template's.
 */
@ExtendWith(LocalCloudExtension.class)
class ReplayCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "000000000000";
    private static final String BUS_ARN = "arn:aws:events:us-east-1:000000000000:event-bus/inferbus";
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    private final Map<String, List<JsonNode>> delivered = new ConcurrentHashMap<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PutEventsServer server;
    private EventBridgeClient events;
    private Path envFile;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        EventRouter router = new EventRouter();
        for (Route route : CatalogLoader.loadClasspath().routes()) {
            String name = "InferbusStack-Route" + route.name();
            // as a template holds it: the same pattern, re-serialized (here pretty-printed)
            String pattern = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(route.eventPattern()));
            router.addRule(new BusRule(name, "arn:aws:events:us-east-1:000000000000:rule/inferbus/" + name, "inferbus", pattern),
                    (event, json) -> delivered.computeIfAbsent(route.name(), r -> new CopyOnWriteArrayList<>()).add(JSON.readTree(json)));
        }
        router.archive(new Archive.Definition("InferbusStackRequests", "arn:aws:events:us-east-1:000000000000:archive/InferbusStackRequests",
                BUS_ARN, "{\"detail-type\":[\"InferenceRequested\"]}", 30, null));
        server = PutEventsServer.start(0, router, "inferbus", AwsClients.REGION, ACCOUNT, JSON);
        events = AwsClients.configure(EventBridgeClient.builder(), server.endpoint()).build();
        envFile = dir.resolve("producer.env");
        Files.writeString(envFile, "AWS_ACCESS_KEY_ID=AKIDLOCAL\nAWS_SECRET_ACCESS_KEY=secret\n");
    }

    @AfterEach
    void stop() {
        events.close();
        server.close();
    }

    @Test
    void replaysTheModelsArchivedRequestsOfTheWindowToItsRouteOnlyAndWaitsForTheEnd() {
        put("fraud-scorer", "old", T0.minusSeconds(3600));
        put("fraud-scorer", "f-1", T0.plusSeconds(10));
        put("sentence-embedder", "s-1", T0.plusSeconds(20));
        put("fraud-scorer", "f-2", T0.plusSeconds(30));
        delivered.clear();

        int status = run("replay", "--endpoint", server.endpoint().toString(), "--env-file", envFile.toString(),
                "--model", "fraud-scorer", "--version", "1", "--from", T0.toString(), "--to", T0.plusSeconds(60).toString(), "--wait");

        assertThat(status).as(err()).isZero();
        assertThat(out()).startsWith("replay rescore.fraud-scorer.1.").contains("COMPLETED")
                .contains("rule InferbusStack-Routecpu-direct").contains("archive InferbusStackRequests");
        assertThat(delivered.get("cpu-direct")).extracting(e -> e.path("detail").path("requestId").asText()).containsExactly("f-1", "f-2");
        assertThat(delivered.get("cpu-direct")).allSatisfy(e -> assertThat(e.path("replay-name").asText())
                .matches("rescore\\.fraud-scorer\\.1\\.\\d{8}T\\d{6}"));
        assertThat(delivered).containsOnlyKeys("cpu-direct");
        assertThat(events.listReplays(b -> { }).replays()).singleElement().satisfies(r -> {
            assertThat(r.eventStartTime()).isEqualTo(T0);
            assertThat(r.eventEndTime()).isEqualTo(T0.plusSeconds(60));
            assertThat(r.eventSourceArn()).isEqualTo("arn:aws:events:us-east-1:000000000000:archive/InferbusStackRequests");
        });
    }

    @Test
    void aRefusedAwsCallExitsOneWithItsErrorCodeAndMessage(@TempDir Path dir) throws Exception {
        Path catalog = dir.resolve("catalog.yaml");
        Files.writeString(catalog, Files.readString(Path.of("../samples/catalog.yaml")).replace("bus: inferbus", "bus: audit"));

        int status = run("replay", "--endpoint", server.endpoint().toString(), "--env-file", envFile.toString(),
                "--catalog", catalog.toString(), "--model", "fraud-scorer", "--version", "1", "--from", "-15m");

        assertThat(status).isEqualTo(1);
        assertThat(err()).startsWith("error: ResourceNotFoundException: Event bus audit does not exist.").doesNotContain("Usage:");
        assertThat(events.listReplays(b -> { }).replays()).isEmpty();
    }

    /** Against the deployed template, through the IAM gateway: the template's rule patterns are found as the route's. */
    @Test
    void replaysOnTheLocalCloudThroughItsGateway(CloudBackend backend, @TempDir Path dir) throws Exception {
        LocalCloud cloud = ((EmbeddedBackend) backend).cloud();
        Path producer = dir.resolve("producer.env");
        Files.writeString(producer, cloud.producerEnvironment().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue() + "\n").collect(java.util.stream.Collectors.joining()));
        Instant time = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(60);
        assertThat(cloud.clients().events().putEvents(b -> b.entries(e -> e.eventBusName(cloud.busName()).source("app.test")
                .detailType("InferenceRequested").time(time)
                .detail("{\"requestId\":\"replay-cli-1\",\"model\":\"fraud-scorer\",\"input\":{\"features\":{}}}")))
                .failedEntryCount()).isZero();

        int status = run("replay", "--endpoint", cloud.endpoints().of("events").toString(), "--env-file", producer.toString(),
                "--model", "fraud-scorer", "--version", "1", "--from", time.toString(), "--to", time.plusSeconds(1).toString(), "--wait");

        assertThat(status).as(err()).isZero();
        assertThat(out()).contains("COMPLETED, last event replayed " + time).contains("route cpu-direct of [fraud-scorer, fraud-scorer-raw]");
    }

    private void put(String model, String requestId, Instant time) {
        assertThat(events.putEvents(b -> b.entries(PutEventsRequestEntry.builder().eventBusName("inferbus").source("app.test")
                .detailType("InferenceRequested").time(time)
                .detail("{\"requestId\":\"" + requestId + "\",\"model\":\"" + model + "\",\"input\":{}}").build())).failedEntryCount())
                .isZero();
    }

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
