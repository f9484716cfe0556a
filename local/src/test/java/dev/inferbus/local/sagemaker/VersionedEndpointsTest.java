package dev.inferbus.local.sagemaker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.contract.Decoded;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.events.results.ResultRow;
import dev.inferbus.events.results.ResultStore;
import dev.inferbus.events.results.ResultsTable;
import dev.inferbus.events.results.Status;
import dev.inferbus.events.results.StoredResult;
import dev.inferbus.functions.batch.Outcome;
import dev.inferbus.functions.batch.ScoringRequest;
import dev.inferbus.functions.gpu.AsyncCompletions;
import dev.inferbus.functions.gpu.EndpointForwarder;
import dev.inferbus.functions.publish.EventPublisher;
import dev.inferbus.functions.results.LargeOutputs;
import dev.inferbus.functions.results.ResultReporter;
import dev.inferbus.functions.runtime.TextEmbeddings;
import dev.inferbus.local.cloud.AwsClients;
import dev.inferbus.local.emulators.DynamoDbLocalServer;
import dev.inferbus.local.emulators.S3ProxyServer;
import dev.inferbus.local.eventbridge.EventRouter;
import dev.inferbus.local.eventbridge.PutEventsServer;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.eventbridge.EventBridgeAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;

/**
 * A gpu model's versions, each on an endpoint of its own: the forwarder against the local SageMaker server (one
 * endpoint per version, each speaking its version's wire format), and an asynchronous version's completion read
 * back from S3 in the format of the version that served it. Each endpoint's model answers vectors of a length of
 * its own, so an output tells which endpoint made it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VersionedEndpointsTest {

    private static final String BUCKET = "versioned-payloads";
    private static final String TABLE = "results";
    private static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    /** Live v1 speaks hf-tei, canary v2 kserve-v2: a body of one is not readable as the other. */
    private static final ModelCatalog CATALOG = CatalogLoader.parse("""
            bus: inferbus
            models:
              - id: versioned-embedder
                task: text-embedding
                tier: gpu
                trigger: sqs
                versions:
                  - {version: '1', endpoint: {name: embed-v1, mode: realtime, format: hf-tei, maxRequestBatch: 2, maxConcurrency: 2}}
                  - {version: '2', endpoint: {name: embed-v2, mode: realtime, format: kserve-v2, existing: true, maxRequestBatch: 2, maxConcurrency: 2}}
                rollout: {traffic: {'1': 90, '2': 10}}
              - id: versioned-archive
                task: text-embedding
                tier: gpu
                trigger: sqs
                versions:
                  - {version: '1', endpoint: {name: archive-v1, mode: async, format: hf-tei}}
                  - {version: '2', endpoint: {name: archive-v2, mode: async, format: kserve-v2, existing: true}}
                rollout: {traffic: {'1': 90, '2': 10}}
            """, "versioned.yaml");

    private final EventCodec codec = EventCodec.create();
    private final Map<String, CompletableFuture<String>> notifications = new ConcurrentHashMap<>();
    private DynamoDbLocalServer dynamo;
    private DynamoDbClient dynamoDirect;
    private DynamoDbAsyncClient dynamoDb;
    private S3ProxyServer s3Server;
    private S3Client s3Direct;
    private S3AsyncClient s3;
    private PutEventsServer bus;
    private EventBridgeAsyncClient events;
    private SageMakerServer server;
    private SageMakerRuntimeAsyncClient sageMaker;
    private ResultStore store;
    private EndpointForwarder forwarder;
    private AsyncCompletions completions;

    @BeforeAll
    void start() throws Exception {
        dynamo = DynamoDbLocalServer.start(0);
        dynamoDirect = AwsClients.configure(DynamoDbClient.builder(), dynamo.endpoint()).build();
        dynamoDirect.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName(ResultsTable.KEY).attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName(ResultsTable.KEY).keyType(KeyType.HASH).build()));
        dynamoDb = DynamoDbAsyncClient.builder().endpointOverride(dynamo.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).httpClientBuilder(NettyNioAsyncHttpClient.builder()).build();
        s3Server = S3ProxyServer.start(0);
        s3Direct = AwsClients.configure(S3Client.builder(), s3Server.endpoint()).forcePathStyle(true).build();
        s3Direct.createBucket(b -> b.bucket(BUCKET));
        s3 = S3AsyncClient.builder().endpointOverride(s3Server.endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).build();
        bus = PutEventsServer.start(0, new EventRouter(), "inferbus", "us-east-1", "123456789012", codec.mapper());
        events = EventBridgeAsyncClient.builder().endpointOverride(bus.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).build();
        List<ModelSpec> versions = CATALOG.models().stream().flatMap(m -> m.allVersions().stream()).toList();
        server = SageMakerServer.start(new InetSocketAddress("127.0.0.1", 0), versions, v -> SageMakerServer.TextModel.constant(ones(1 + Integer.parseInt(v.version()))),
                name -> new SageMakerServer.AsyncStorage(s3Direct, Optional.empty()), BUCKET,
                (endpoint, success, message) -> notifications.computeIfAbsent(requestIdOf(message), k -> new CompletableFuture<>())
                        .complete(message), AwsClients.REGION);
        sageMaker = SageMakerRuntimeAsyncClient.builder().endpointOverride(server.endpoint()).region(Region.of(AwsClients.REGION))
                .credentialsProvider(CREDENTIALS).build();
        Clock clock = Clock.systemUTC();
        store = new ResultStore(dynamoDb, TABLE, Duration.ofDays(1));
        forwarder = new EndpointForwarder(sageMaker, s3, BUCKET, store, codec, clock);
        completions = new AsyncCompletions(CATALOG, s3, BUCKET, store,
                new ResultReporter(store, EventPublisher.standard(events, "inferbus", clock), clock),
                new LargeOutputs(s3, BUCKET), codec, clock);
    }

    @AfterEach
    void noFaults() {
        server.faults(Faults.NONE);
        server.resetStats();
    }

    @AfterAll
    void stop() {
        sageMaker.close();
        server.close();
        events.close();
        bus.close();
        s3.close();
        s3Direct.close();
        s3Server.close();
        dynamoDb.close();
        dynamoDirect.close();
        dynamo.close();
    }

    @Test
    void eachVersionsRequestsGoToItsOwnEndpointInCallsOfTheirOwn() {
        ModelSpec model = CATALOG.find("versioned-embedder").orElseThrow();
        // interleaved: a batch in arrival order would put a v1 and a v2 text in every call
        List<String> chosen = IntStream.range(0, 8).mapToObj(i -> i % 2 == 0 ? "1" : "2").toList();

        List<Outcome> outcomes = forwarder.score(chosen.stream()
                .map(v -> new ScoringRequest(model.forVersion(v).orElseThrow(), TextEmbeddings.input("text for v" + v), "/detail/input"))
                .toList());

        for (int i = 0; i < chosen.size(); i++) {
            int dim = 1 + Integer.parseInt(chosen.get(i));
            assertThat(outcomes.get(i)).as("request %d (v%s)", i, chosen.get(i)).isInstanceOfSatisfying(Outcome.Scored.class,
                    s -> assertThat(s.output().path("dim").asInt()).isEqualTo(dim));
        }
        for (String endpoint : List.of("embed-v1", "embed-v2")) {
            EndpointStats stats = server.stats(endpoint).orElseThrow();
            assertThat(stats.inputs()).as(endpoint).isEqualTo(4);
            assertThat(stats.calls()).as(endpoint + ": 4 texts, 2 to a call").isEqualTo(2);
        }
    }

    /**
     * Each endpoint here takes one call at a time, and each version three calls' worth of texts: the versions side
     * by side take three rounds, one after the other five (the second starts as the first's last call does).
     */
    @Test
    void theVersionsEndpointsAreCalledSideBySide() {
        ModelSpec model = CATALOG.find("versioned-embedder").orElseThrow();
        long latency = 600;
        List<ScoringRequest> requests = IntStream.range(0, 12).mapToObj(i -> new ScoringRequest(
                model.forVersion(i < 6 ? "1" : "2").orElseThrow(), TextEmbeddings.input("text " + i), "/detail/input")).toList();
        forwarder.score(requests); // connections opened and code warm: the clock below times the rounds alone
        server.faults(new Faults(latency, 0, 0, 0));

        long start = System.nanoTime();
        List<Outcome> outcomes = forwarder.score(requests);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Scored.class));
        assertThat(server.stats("embed-v1").orElseThrow().maxInFlight()).isEqualTo(1);
        assertThat(millis).as("three rounds of %d ms", latency).isGreaterThanOrEqualTo(3 * latency).isLessThan(5 * latency);
    }

    @Test
    void anAsyncCompletionReadsTheOutputInTheFormatOfTheVersionThatServedIt() throws Exception {
        ModelSpec canary = CATALOG.find("versioned-archive").orElseThrow().forVersion("2").orElseThrow();
        Decoded.Request request = (Decoded.Request) codec.decode(event("archived-v2-1", "versioned-archive", "2", "an archived report"));

        List<Outcome> submitted = forwarder.score(List.of(new ScoringRequest(canary, request.detail().input(), "/detail/input", request)));

        assertThat(submitted.get(0)).isInstanceOf(Outcome.Submitted.class);
        assertThat(server.stats("archive-v2").orElseThrow().calls()).isEqualTo(1);
        assertThat(server.stats("archive-v1").orElseThrow().calls()).isZero();
        String notification = notifications.computeIfAbsent("archived-v2-1", k -> new CompletableFuture<>()).get(30, TimeUnit.SECONDS);

        AsyncCompletions.Completion completion = completions.complete(notification);

        assertThat(completion.fate()).isEqualTo(ResultReporter.Fate.WRITTEN);
        StoredResult stored = store.find("archived-v2-1").join().orElseThrow();
        assertThat(stored).isInstanceOfSatisfying(StoredResult.Final.class, done -> {
            ResultRow row = done.row();
            assertThat(row.status()).as(row.errorMessage()).isEqualTo(Status.COMPLETED);
            assertThat(row.version()).isEqualTo("2");
            assertThat(row.output()).contains("\"dim\":3");
        });
    }

    private String event(String requestId, String model, String version, String text) {
        ObjectNode detail = codec.mapper().createObjectNode().put("requestId", requestId).put("model", model).put("version", version);
        detail.putObject("input").put("text", text);
        ObjectNode event = codec.mapper().createObjectNode().put("version", "0").put("id", "ev-" + requestId)
                .put("detail-type", "InferenceRequested").put("source", "app.test").put("time", "2026-11-22T10:00:00Z");
        event.set("detail", detail);
        return event.toString();
    }

    /** The request a notification is about: the name of its asynchronous input. */
    private String requestIdOf(String notification) {
        try {
            String input = codec.mapper().readTree(notification).path("requestParameters").path("inputLocation").asText();
            return input.substring(input.lastIndexOf('/') + 1, input.length() - ".json".length());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A vector of {@code dim} ones: each version's answer tells its dimension. */
    private static float[] ones(int dim) {
        float[] ones = new float[dim];
        Arrays.fill(ones, 1f);
        return ones;
    }
}
