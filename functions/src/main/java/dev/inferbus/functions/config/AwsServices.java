package dev.inferbus.functions.config;

import dev.inferbus.events.timing.TimeBudgets;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.awscore.client.builder.AwsAsyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;

/**
 * The asynchronous AWS clients a function uses, sharing one HTTP connection pool. Built at init; rebuilt after a
 * SnapStart restore so that no restored copy reuses connections opened before the snapshot.
 */
public final class AwsServices implements AutoCloseable {

    private final SdkAsyncHttpClient http;
    private final DynamoDbAsyncClient dynamoDb;
    private final S3AsyncClient s3;
    private final EventBridgeAsyncClient events;
    private final SageMakerRuntimeAsyncClient sageMaker;
    private final List<ExecutionInterceptor> interceptors;

    public AwsServices(FunctionConfig config) {
        this(config, List.of());
    }

    /** @param interceptors SDK interceptors for every client (tests inject faults with them) */
    public AwsServices(FunctionConfig config, List<ExecutionInterceptor> interceptors) {
        this.interceptors = List.copyOf(interceptors);
        this.http = NettyNioAsyncHttpClient.builder()
                .maxConcurrency(64)
                .connectionTimeout(Duration.ofSeconds(2))
                // an endpoint may think for its whole invocation before its first byte; the other services' calls
                // are cut much sooner by their attempt timeouts
                .readTimeout(TimeBudgets.ENDPOINT_INVOCATION.plusSeconds(5))
                .build();
        this.dynamoDb = configure(DynamoDbAsyncClient.builder(), config, "dynamodb", TimeBudgets.AWS_CALL, TimeBudgets.AWS_ATTEMPT).build();
        this.s3 = configure(S3AsyncClient.builder(), config, "s3", TimeBudgets.S3_CALL, TimeBudgets.S3_ATTEMPT)
                .forcePathStyle(config.endpoint("s3").isPresent()).build();
        this.events = configure(EventBridgeAsyncClient.builder(), config, "events", TimeBudgets.AWS_CALL,
                TimeBudgets.PUT_EVENTS_ATTEMPT).build();
        // each endpoint call sets its own timeout, from the invocation's remaining time
        this.sageMaker = configure(SageMakerRuntimeAsyncClient.builder(), config, "sagemaker", null, null).build();
    }

    /**
     * @param callTimeout the whole call, retries included; null where each request sets its own
     * @param attemptTimeout one attempt of it
     */
    private <B extends AwsClientBuilder<B, ?> & AwsAsyncClientBuilder<B, ?>> B configure(B builder, FunctionConfig config, String service,
                                                                                         Duration callTimeout, Duration attemptTimeout) {
        builder.region(Region.of(config.region())).httpClient(http)
                .overrideConfiguration(o -> o.executionInterceptors(interceptors).apiCallTimeout(callTimeout)
                        .apiCallAttemptTimeout(attemptTimeout));
        // credentials always come from the default chain: Lambda (and the local cloud, per function) sets them in
        // the environment as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN
        config.endpoint(service).ifPresent(builder::endpointOverride);
        return builder;
    }

    public DynamoDbAsyncClient dynamoDb() {
        return dynamoDb;
    }

    public S3AsyncClient s3() {
        return s3;
    }

    public EventBridgeAsyncClient events() {
        return events;
    }

    public SageMakerRuntimeAsyncClient sageMaker() {
        return sageMaker;
    }

    @Override
    public void close() {
        sageMaker.close();
        dynamoDb.close();
        s3.close();
        events.close();
        http.close();
    }
}
