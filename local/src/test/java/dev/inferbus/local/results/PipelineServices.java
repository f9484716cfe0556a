package dev.inferbus.local.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.events.results.ResultStore;
import dev.inferbus.functions.claimcheck.ClaimChecks;
import dev.inferbus.functions.publish.EventPublisher;
import dev.inferbus.functions.results.LargeOutputs;
import dev.inferbus.functions.results.ResultReporter;
import dev.inferbus.local.cache.CacheTables;
import dev.inferbus.local.eventbridge.EventRouter;
import dev.inferbus.local.eventbridge.PutEventsServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * What a pipeline test writes and publishes through: a results table on DynamoDB Local and the local bus, whose
 * every event is kept for the test to read. S3 points at a closed port: the tests using this send no claim check and
 * make no output too large for its row.
 */
public final class PipelineServices implements AutoCloseable {

    private static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

    private final List<JsonNode> announced = new CopyOnWriteArrayList<>();
    private final CacheTables tables;
    private final DynamoDbAsyncClient dynamoDb;
    private final PutEventsServer bus;
    private final EventBridgeAsyncClient events;
    private final S3AsyncClient s3;
    private final ResultStore store;

    private PipelineServices() throws Exception {
        tables = CacheTables.start();
        dynamoDb = CacheTables.asyncClient(tables.endpoint());
        store = new ResultStore(dynamoDb, CacheTables.RESULTS, Duration.ofDays(1));
        EventRouter router = new EventRouter();
        router.addRule("everything", "{\"source\":[{\"prefix\":\"\"}]}", (event, json) -> announced.add(event));
        bus = PutEventsServer.start(0, router, "inferbus", "us-east-1", "123456789012", new ObjectMapper());
        events = EventBridgeAsyncClient.builder().endpointOverride(bus.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).build();
        s3 = S3AsyncClient.builder().endpointOverride(URI.create("http://127.0.0.1:9")).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).build();
    }

    public static PipelineServices start() throws Exception {
        return new PipelineServices();
    }

    /** The events the bus received, in order. */
    public List<JsonNode> announced() {
        return announced;
    }

    public ResultStore store() {
        return store;
    }

    public ClaimChecks claimChecks(EventCodec codec) {
        return new ClaimChecks(s3, "bucket-a", codec.mapper());
    }

    public ResultReporter reporter(Clock clock) {
        return new ResultReporter(store, EventPublisher.standard(events, "inferbus", clock), clock);
    }

    public LargeOutputs largeOutputs() {
        return new LargeOutputs(s3, "bucket-a");
    }

    @Override
    public void close() {
        s3.close();
        events.close();
        bus.close();
        dynamoDb.close();
        tables.close();
    }
}
