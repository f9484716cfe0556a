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
import dev.inferbus.local.emulators.S3ProxyServer;
import dev.inferbus.local.eventbridge.PutEventsServer;
import dev.inferbus.events.timing.TimeBudgets;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * What a pipeline test writes and publishes through: a results table on DynamoDB Local and the local bus, whose
 * every event is kept for the test to read. S3 is s3proxy with bucket {@value #BUCKET} where the test asks for it
 * ({@link #withS3}), else a closed port (for tests that send no claim check and make no output too large for its row).
 */
public final class PipelineServices implements AutoCloseable {

    public static final String BUCKET = "bucket-a";
    private static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

    private final List<JsonNode> announced = new CopyOnWriteArrayList<>();
    private final CacheTables tables;
    private final DynamoDbAsyncClient dynamoDb;
    private final PutEventsServer bus;
    private final EventBridgeAsyncClient events;
    private final S3ProxyServer s3Server;
    private final S3AsyncClient s3;
    private final ResultStore store;
    private final List<ExecutionInterceptor> interceptors;

    private PipelineServices(boolean withS3, List<ExecutionInterceptor> interceptors) throws Exception {
        this.interceptors = List.copyOf(interceptors);
        tables = CacheTables.start();
        dynamoDb = client(DynamoDbAsyncClient.builder(), tables.endpoint())
                .overrideConfiguration(o -> o.executionInterceptors(this.interceptors).apiCallTimeout(TimeBudgets.AWS_CALL)
                        .apiCallAttemptTimeout(TimeBudgets.AWS_ATTEMPT)).httpClientBuilder(NettyNioAsyncHttpClient.builder()).build();
        store = new ResultStore(dynamoDb, CacheTables.RESULTS, Duration.ofDays(1));
        EventRouter router = new EventRouter();
        router.addRule("everything", "{\"source\":[{\"prefix\":\"\"}]}", (event, json) -> announced.add(event));
        bus = PutEventsServer.start(0, router, "inferbus", "us-east-1", "123456789012", new ObjectMapper());
        events = client(EventBridgeAsyncClient.builder(), bus.endpoint()).build();
        s3Server = withS3 ? S3ProxyServer.start(0) : null;
        s3 = client(S3AsyncClient.builder(), withS3 ? s3Server.endpoint() : URI.create("http://127.0.0.1:9")).forcePathStyle(true).build();
        if (withS3) {
            s3.createBucket(b -> b.bucket(BUCKET)).join();
        }
    }

    public static PipelineServices start() throws Exception {
        return new PipelineServices(false, List.of());
    }

    /** With s3proxy for S3, and {@code interceptors} on every client (a tracing test's SDK instrumentation). */
    public static PipelineServices withS3(List<ExecutionInterceptor> interceptors) throws Exception {
        return new PipelineServices(true, interceptors);
    }

    /** {@code builder} for the service at {@code endpoint}, signing as these services' clients do, with their interceptors. */
    public <B extends AwsClientBuilder<B, ?>> B client(B builder, URI endpoint) {
        return builder.endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
                .overrideConfiguration(o -> o.executionInterceptors(interceptors));
    }

    public S3AsyncClient s3() {
        return s3;
    }

    /** The events the bus received, in order. */
    public List<JsonNode> announced() {
        return announced;
    }

    public ResultStore store() {
        return store;
    }

    public ClaimChecks claimChecks(EventCodec codec) {
        return new ClaimChecks(s3, BUCKET, codec.mapper());
    }

    public ResultReporter reporter(Clock clock) {
        return new ResultReporter(store, EventPublisher.standard(events, "inferbus", clock), clock);
    }

    public LargeOutputs largeOutputs() {
        return new LargeOutputs(s3, BUCKET);
    }

    @Override
    public void close() {
        s3.close();
        if (s3Server != null) {
            s3Server.close();
        }
        events.close();
        bus.close();
        dynamoDb.close();
        tables.close();
    }
}
