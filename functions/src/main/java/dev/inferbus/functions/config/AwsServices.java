package dev.inferbus.functions.config;

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
                .build();
        this.dynamoDb = configure(DynamoDbAsyncClient.builder(), config, "dynamodb").build();
        this.s3 = configure(S3AsyncClient.builder(), config, "s3").forcePathStyle(config.endpoint("s3").isPresent()).build();
        this.events = configure(EventBridgeAsyncClient.builder(), config, "events").build();
        this.sageMaker = configure(SageMakerRuntimeAsyncClient.builder(), config, "sagemaker").build();
    }

    private <B extends AwsClientBuilder<B, ?> & AwsAsyncClientBuilder<B, ?>> B configure(B builder, FunctionConfig config, String service) {
        builder.region(Region.of(config.region())).httpClient(http)
                .overrideConfiguration(o -> o.executionInterceptors(interceptors));
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
