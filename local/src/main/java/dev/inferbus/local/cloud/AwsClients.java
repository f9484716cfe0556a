package dev.inferbus.local.cloud;

import java.net.URI;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import java.time.Duration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** AWS SDK v2 clients pointed at a local cloud's endpoints, signing as one principal. */
public final class AwsClients implements AutoCloseable {

    public static final String REGION = "us-east-1";
    public static final String ACCOUNT = "000000000000";

    private final SqsClient sqs;
    private final KinesisClient kinesis;
    private final DynamoDbClient dynamoDb;
    private final DynamoDbAsyncClient dynamoDbAsync;
    private final S3Client s3;
    private final EventBridgeClient events;

    static {
        // kinesalite's CBOR timestamps do not parse in SDK v2; JSON is the documented fallback (aws.cborEnabled).
        // Only local clients talk to Kinesis: the handlers receive records from the event source, never the SDK.
        System.setProperty("aws.cborEnabled", "false");
    }

    public AwsClients(Endpoints endpoints) {
        this(endpoints, ClientIdentity.unauthenticated());
    }

    public AwsClients(Endpoints endpoints, ClientIdentity identity) {
        this.sqs = configure(SqsClient.builder(), endpoints.of("sqs"), identity).build();
        this.kinesis = configure(KinesisClient.builder(), endpoints.of("kinesis"), identity).build();
        this.dynamoDb = configure(DynamoDbClient.builder(), endpoints.of("dynamodb"), identity).build();
        this.dynamoDbAsync = dynamoDbAsync(endpoints.of("dynamodb"), identity);
        this.s3 = configure(S3Client.builder(), endpoints.of("s3"), identity).forcePathStyle(true).build();
        this.events = configure(EventBridgeClient.builder(), endpoints.of("events"), identity).build();
    }

    /**
     * Local endpoint, region and credentials, on the SDK's Apache client. The JDK's URLConnection client turns an
     * upload whose connection the server drops during {@code Expect: 100-continue} (a pooled connection it had closed)
     * into an {@code UncheckedIOException} ("Unexpected end of file from server") that the SDK's retry stage does not
     * see (https://github.com/aws/aws-sdk-java-v2/pull/3539); it stopped {@code up} on CI while the stack's assets were
     * uploaded. The Apache client's I/O errors are {@code IOException}s, which the standard retry strategy retries, and
     * connections idle longer than kinesalite's node server keeps them (its {@code keepAliveTimeout}, 5 s,
     * https://nodejs.org/api/http.html#serverkeepalivetimeout) are not reused.
     */
    public static <B extends AwsClientBuilder<B, ?> & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, ?>>
            B configure(B builder, URI endpoint) {
        return configure(builder, endpoint, ClientIdentity.unauthenticated());
    }

    /** As {@link #configure(AwsClientBuilder, URI)}, signing as {@code identity} and trusting its authority. */
    public static <B extends AwsClientBuilder<B, ?> & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, ?>>
            B configure(B builder, URI endpoint, ClientIdentity identity) {
        ApacheHttpClient.Builder http = ApacheHttpClient.builder().connectionMaxIdleTime(SERVER_KEEP_ALIVE.minusSeconds(1));
        identity.trust().ifPresent(trust -> http.tlsTrustManagersProvider(() -> trust));
        return builder.endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(identity.credentials())
                .httpClientBuilder(http);
    }

    /** For the results table's one reader ({@code ResultStore}), which is asynchronous, as the functions use it. */
    public static DynamoDbAsyncClient dynamoDbAsync(URI endpoint, ClientIdentity identity) {
        NettyNioAsyncHttpClient.Builder netty = NettyNioAsyncHttpClient.builder();
        identity.trust().ifPresent(trust -> netty.tlsTrustManagersProvider(() -> trust));
        return DynamoDbAsyncClient.builder().endpointOverride(endpoint).region(Region.of(REGION))
                .credentialsProvider(identity.credentials()).httpClientBuilder(netty).build();
    }

    private static final Duration SERVER_KEEP_ALIVE = Duration.ofSeconds(5);

    public SqsClient sqs() {
        return sqs;
    }

    public KinesisClient kinesis() {
        return kinesis;
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    public DynamoDbAsyncClient dynamoDbAsync() {
        return dynamoDbAsync;
    }

    public S3Client s3() {
        return s3;
    }

    public EventBridgeClient events() {
        return events;
    }

    @Override
    public void close() {
        sqs.close();
        kinesis.close();
        dynamoDb.close();
        dynamoDbAsync.close();
        s3.close();
        events.close();
    }
}
