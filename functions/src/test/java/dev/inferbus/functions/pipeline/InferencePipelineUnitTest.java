package dev.inferbus.functions.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.POJONode;
import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.events.results.ResultRow;
import dev.inferbus.events.results.ResultStore;
import dev.inferbus.events.results.Status;
import dev.inferbus.events.timing.TimeBudgets;
import dev.inferbus.functions.batch.Outcome;
import dev.inferbus.functions.batch.Scorer;
import dev.inferbus.functions.budget.Deadline;
import dev.inferbus.functions.claimcheck.ClaimChecks;
import dev.inferbus.functions.metrics.BatchMetrics;
import dev.inferbus.functions.publish.EventPublisher;
import dev.inferbus.functions.results.LargeOutputs;
import dev.inferbus.functions.results.ResultReporter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * The pipeline's per-record guard and its deadline, with a scorer of the test's own and AWS clients pointed
 * at a closed port: what is asserted here happens before, or without, any AWS call.
 */
class InferencePipelineUnitTest {

    private static final URI NOWHERE = URI.create("http://127.0.0.1:9");
    private static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y"));

    private final S3AsyncClient s3 = S3AsyncClient.builder().region(Region.US_EAST_1).endpointOverride(NOWHERE)
            .credentialsProvider(CREDENTIALS).build();
    private final DynamoDbAsyncClient dynamoDb = DynamoDbAsyncClient.builder().region(Region.US_EAST_1).endpointOverride(NOWHERE)
            .credentialsProvider(CREDENTIALS).build();
    private final EventBridgeAsyncClient events = EventBridgeAsyncClient.builder().region(Region.US_EAST_1).endpointOverride(NOWHERE)
            .credentialsProvider(CREDENTIALS).build();

    @AfterEach
    void close() {
        s3.close();
        dynamoDb.close();
        events.close();
    }

    private InferencePipeline pipeline(Scorer scorer) {
        EventCodec codec = EventCodec.create();
        Clock clock = Clock.systemUTC();
        return new InferencePipeline(CatalogLoader.load(Path.of("../samples/catalog.yaml")), Set.of("fraud-scorer"), codec, scorer,
                new ClaimChecks(s3, "bucket-a", codec.mapper()),
                new ResultReporter(new ResultStore(dynamoDb, "results", Duration.ofDays(1)),
                        EventPublisher.standard(events, "bus", clock), clock),
                new LargeOutputs(s3, "bucket-a"), new BatchMetrics("test", false), clock);
    }

    /** An output whose serialization throws, as a bug in a translator might produce. */
    public record Exploding() {
        public String getValue() {
            throw new IllegalStateException("the output cannot be written (it holds secret-input-text)");
        }
    }

    @Test
    void anExceptionWhileBuildingOneRecordsRowFailsThatRecordAlone() {
        Scorer scorer = requests -> requests.stream().<Outcome>map(r -> r.input().has("explode")
                ? new Outcome.Scored(new POJONode(new Exploding()), 1)
                : new Outcome.Scored(r.input(), 1)).toList();
        List<ResultRow> rows = pipeline(scorer).computeRows(List.of(
                new InferencePipeline.Record("a", event("guard-a", "{\"ok\":1}")),
                new InferencePipeline.Record("b", event("guard-b", "{\"explode\":1}")),
                new InferencePipeline.Record("c", event("guard-c", "{\"ok\":2}"))));

        assertThat(rows).extracting(ResultRow::status).containsExactly(Status.COMPLETED, Status.FAILED, Status.COMPLETED);
        ResultRow failed = rows.get(1);
        assertThat(failed.key()).isEqualTo("guard-b");
        assertThat(failed.errorCode()).isEqualTo(ErrorCode.MODEL_ERROR);
        assertThat(failed.errorMessage()).startsWith("/detail: ").contains("could not be processed").doesNotContain("secret-input-text");
        assertThat(failed.eventDetail()).contains("\"errorCode\":\"MODEL_ERROR\"");
    }

    @Test
    void aScorerThatThrowsAsAWholeSendsItsRecordsBackInsteadOfFailingTheInvocation() {
        Scorer scorer = requests -> {
            throw new IllegalStateException("the whole call failed");
        };
        InferencePipeline.Report report = pipeline(scorer).process(List.of(
                new InferencePipeline.Record("a", event("whole-a", "{\"ok\":1}")),
                new InferencePipeline.Record("b", event("whole-b", "{\"ok\":2}"))));

        assertThat(report.retry()).containsExactly("a", "b");
    }

    @Test
    void withLessThanTheReportReserveLeftNothingIsScoredAndEveryRecordGoesBack() {
        AtomicInteger scored = new AtomicInteger();
        Scorer scorer = requests -> {
            scored.addAndGet(requests.size());
            return requests.stream().<Outcome>map(r -> new Outcome.Scored(r.input(), 1)).toList();
        };
        Deadline almostOver = Deadline.after(TimeBudgets.REPORT_RESERVE.toMillis() - 500, Clock.systemUTC());

        InferencePipeline.Report report = pipeline(scorer).process(List.of(
                new InferencePipeline.Record("a", event("late-a", "{\"ok\":1}")),
                new InferencePipeline.Record("b", event("late-b", "{\"ok\":2}"))), almostOver);

        assertThat(scored).hasValue(0);
        assertThat(report.retry()).containsExactly("a", "b");
        assertThat(report.count(InferencePipeline.Fate.RETRY)).isEqualTo(2);
    }

    private static String event(String requestId, String input) {
        return "{\"version\":\"0\",\"id\":\"e-" + requestId + "\",\"detail-type\":\"InferenceRequested\",\"source\":\"test\","
                + "\"time\":\"2026-11-23T00:00:00Z\",\"detail\":{\"requestId\":\"" + requestId + "\",\"model\":\"fraud-scorer\","
                + "\"input\":" + input + "}}";
    }
}
