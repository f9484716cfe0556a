package dev.inferbus.functions.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.events.replay.Rescore;
import dev.inferbus.events.results.ResultRow;
import dev.inferbus.events.results.ResultStore;
import dev.inferbus.events.results.Status;
import dev.inferbus.functions.batch.Outcome;
import dev.inferbus.functions.batch.Scorer;
import dev.inferbus.functions.claimcheck.ClaimChecks;
import dev.inferbus.functions.metrics.BatchMetrics;
import dev.inferbus.functions.publish.EventPublisher;
import dev.inferbus.functions.results.LargeOutputs;
import dev.inferbus.functions.results.ResultReporter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Which version serves a request: the sample catalog's fraud canary (90/10), an explicit pin, a replay's
 * re-scoring; with a scorer that answers the version it was handed, so each row shows what the pipeline chose.
 * The compute path only: no AWS call is made (the clients point at a closed port).
 */
class ModelVersionsPipelineTest {

    private static final URI NOWHERE = URI.create("http://127.0.0.1:9");
    private static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y"));
    private static final S3AsyncClient S3 = S3AsyncClient.builder().region(Region.US_EAST_1).endpointOverride(NOWHERE)
            .credentialsProvider(CREDENTIALS).build();
    private static final DynamoDbAsyncClient DYNAMO_DB = DynamoDbAsyncClient.builder().region(Region.US_EAST_1)
            .endpointOverride(NOWHERE).credentialsProvider(CREDENTIALS).build();
    private static final EventBridgeAsyncClient EVENTS = EventBridgeAsyncClient.builder().region(Region.US_EAST_1)
            .endpointOverride(NOWHERE).credentialsProvider(CREDENTIALS).build();

    private final List<String> scoredVersions = new ArrayList<>();
    private final Scorer echoVersion = requests -> requests.stream().<Outcome>map(r -> {
        scoredVersions.add(r.model().version());
        return new Outcome.Scored(JsonNodeFactory.instance.objectNode().put("version", r.model().version()), 1);
    }).toList();

    @AfterAll
    static void close() {
        S3.close();
        DYNAMO_DB.close();
        EVENTS.close();
    }

    private InferencePipeline pipeline() {
        EventCodec codec = EventCodec.create();
        Clock clock = Clock.systemUTC();
        return new InferencePipeline(CatalogLoader.load(Path.of("../samples/catalog.yaml")), Set.of("fraud-scorer"), codec,
                echoVersion, new ClaimChecks(S3, "bucket-a", codec.mapper()),
                new ResultReporter(new ResultStore(DYNAMO_DB, "results", Duration.ofDays(1)),
                        EventPublisher.standard(EVENTS, "bus", clock), clock),
                new LargeOutputs(S3, "bucket-a"), new BatchMetrics("test", false), clock);
    }

    @Test
    void theCanaryTakesItsShareAndAKeyKeepsItsVersion() {
        List<InferencePipeline.Record> records = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            records.add(new InferencePipeline.Record("r" + i, event("canary-" + i, "\"partitionKey\":\"card-" + (i % 500) + "\",", null)));
        }
        List<ResultRow> rows = pipeline().computeRows(records);

        Map<String, String> versionOfKey = new HashMap<>();
        int v2 = 0;
        for (int i = 0; i < rows.size(); i++) {
            ResultRow row = rows.get(i);
            assertThat(row.status()).isEqualTo(Status.COMPLETED);
            assertThat(row.output()).contains("\"version\":\"" + row.version() + "\"");
            String previous = versionOfKey.putIfAbsent("card-" + (i % 500), row.version());
            assertThat(previous).as("card-%d keeps its version", i % 500).isIn(null, row.version());
            v2 += row.version().equals("2") ? 1 : 0;
        }
        // 500 keys at 10 %: 50 expected, a binomial's spread is about 7
        assertThat(versionOfKey.values().stream().filter("2"::equals).count()).isBetween(25L, 75L);
        assertThat(v2).isEqualTo(4 * versionOfKey.values().stream().filter("2"::equals).count());
    }

    @Test
    void anExplicitVersionPinsTheRequestAndAnUnlistedOneFailsNamingTheField() {
        List<ResultRow> rows = pipeline().computeRows(List.of(
                new InferencePipeline.Record("a", event("pin-2", "\"version\":\"2\",", null)),
                new InferencePipeline.Record("b", event("pin-1", "\"version\":\"1\",", null)),
                new InferencePipeline.Record("c", event("pin-7", "\"version\":\"7\",", null))));

        assertThat(rows.get(0).version()).isEqualTo("2");
        assertThat(rows.get(1).version()).isEqualTo("1");
        assertThat(rows.get(2).status()).isEqualTo(Status.FAILED);
        assertThat(rows.get(2).errorCode()).isEqualTo(ErrorCode.UNKNOWN_MODEL);
        assertThat(rows.get(2).errorMessage()).startsWith("/detail/version: model 'fraud-scorer' has no version '7' (versions: [1, 2]");
        assertThat(scoredVersions).containsExactly("2", "1");
    }

    @Test
    void aReplayReScoresWithItsVersionUnderItsOwnKeyAndAnnouncesNothing() {
        String replay = Rescore.of("fraud-scorer", "2", Instant.parse("2026-11-23T10:00:00Z")).replayName();
        String other = Rescore.of("sensor-anomaly", "1", Instant.parse("2026-11-23T10:00:00Z")).replayName();
        List<ResultRow> rows = pipeline().computeRows(List.of(
                new InferencePipeline.Record("a", event("orig-1", "\"version\":\"1\",", replay)),
                new InferencePipeline.Record("b", event("orig-2", "", other)),
                new InferencePipeline.Record("c", event("orig-3", "", "someone-elses-replay"))));

        ResultRow rescored = rows.get(0);
        assertThat(rescored.key()).isEqualTo("orig-1#2");
        assertThat(rescored.version()).isEqualTo("2");
        assertThat(rescored.replayName()).isEqualTo(replay);
        assertThat(rescored.announced()).isFalse();
        assertThat(rows.get(1)).as("a replay of another model's requests is skipped").isNull();
        // a replay inferbus did not start re-scores with the version the request would meet, still under its own key
        assertThat(rows.get(2).key()).isEqualTo("orig-3#" + rows.get(2).version());
        assertThat(rows.get(2).announced()).isFalse();
    }

    private static String event(String requestId, String extra, String replayName) {
        return "{\"version\":\"0\",\"id\":\"e-" + requestId + "\",\"detail-type\":\"InferenceRequested\",\"source\":\"test\","
                + (replayName == null ? "" : "\"replay-name\":\"" + replayName + "\",")
                + "\"time\":\"2026-11-23T00:00:00Z\",\"detail\":{\"requestId\":\"" + requestId + "\",\"model\":\"fraud-scorer\","
                + extra + "\"input\":{\"features\":{}}}}";
    }
}
