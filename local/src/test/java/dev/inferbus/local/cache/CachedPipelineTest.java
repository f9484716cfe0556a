package dev.inferbus.local.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.cache.ResultCache;
import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.events.replay.Rescore;
import dev.inferbus.events.results.ResultRow;
import dev.inferbus.events.results.ResultStore;
import dev.inferbus.events.results.Status;
import dev.inferbus.events.results.StoredResult;
import dev.inferbus.functions.batch.MicroBatcher;
import dev.inferbus.functions.budget.Deadline;
import dev.inferbus.functions.batch.Scorer;
import dev.inferbus.functions.claimcheck.ClaimChecks;
import dev.inferbus.functions.metrics.BatchMetrics;
import dev.inferbus.functions.pipeline.InferencePipeline;
import dev.inferbus.functions.publish.EventPublisher;
import dev.inferbus.functions.results.LargeOutputs;
import dev.inferbus.functions.results.ResultReporter;
import dev.inferbus.functions.runtime.ArtifactSource;
import dev.inferbus.functions.runtime.ModelRuntime;
import dev.inferbus.local.emulators.S3ProxyServer;
import dev.inferbus.local.eventbridge.EventRouter;
import dev.inferbus.local.eventbridge.PutEventsServer;
import dev.inferbus.local.faults.FaultProxy;
import dev.inferbus.local.faults.FaultRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * The pipeline with the sample catalog's sentence-embedder (its cache on, one hour), the real MiniLM models of
 * both its versions, DynamoDB Local for the results and the cache (the cache through a fault proxy) and the local
 * PutEvents endpoint. A counting wrapper around the real micro-batcher tells how many requests met a model.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CachedPipelineTest {

    private static final String MODEL = "sentence-embedder";
    private static final String BUCKET = "bucket-a";
    /**
     * MiniLM's graph called raw, with a cache: its last_hidden_state for the sample's 9 tokens is over the inline
     * limit, so its rows point at S3.
     */
    private static final String TENSOR_MODEL = "minilm-tensor";
    private static final String TENSOR_CATALOG = """
            bus: inferbus
            models:
              - id: minilm-tensor
                task: tensor
                tier: cpu
                trigger: sqs
                artifact: models/sentence-embedder/1/model.onnx
                cache: { ttlSeconds: 3600 }
            """;

    private final EventCodec codec = EventCodec.create();
    private final AtomicInteger modelCalls = new AtomicInteger();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T10:00:00Z"));
    private final AtomicInteger ids = new AtomicInteger();

    private CacheTables tables;
    private FaultProxy proxy;
    private PutEventsServer events;
    private DynamoDbAsyncClient results;
    private DynamoDbAsyncClient cacheClient;
    private EventBridgeAsyncClient eventBridge;
    private S3AsyncClient s3;
    private ModelRuntime models;
    private ModelCatalog tensorCatalog;
    private ModelRuntime tensorModels;
    private S3ProxyServer s3Server;
    private ModelCatalog catalog;
    private ResultStore store;

    @BeforeAll
    void start() throws Exception {
        tables = CacheTables.start();
        proxy = FaultProxy.start("dynamodb", 0, tables.endpoint());
        events = PutEventsServer.start(0, new EventRouter(), "inferbus", "us-east-1", "000000000000", new ObjectMapper());
        results = CacheTables.asyncClient(tables.endpoint());
        cacheClient = CacheTables.asyncClient(proxy.endpoint());
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        eventBridge = EventBridgeAsyncClient.builder().endpointOverride(events.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build();
        // for the outputs over the inline limit, which the pipeline keeps in S3 and the row points at
        s3Server = S3ProxyServer.start(0);
        s3 = S3AsyncClient.builder().endpointOverride(s3Server.endpoint()).region(Region.US_EAST_1).credentialsProvider(credentials)
                .forcePathStyle(true).build();
        s3.createBucket(b -> b.bucket(BUCKET)).join();
        catalog = CatalogLoader.parse(sampleCatalog(), "catalog.yaml");
        models = ModelRuntime.load(List.of(catalog.find(MODEL).orElseThrow()), ArtifactSource.fromRoot("classpath:"));
        tensorCatalog = CatalogLoader.parse(TENSOR_CATALOG, "tensor.yaml");
        tensorModels = ModelRuntime.load(tensorCatalog.models(), ArtifactSource.fromRoot("classpath:"));
        store = ResultStore.reader(results, CacheTables.RESULTS);
    }

    @AfterEach
    void clear() {
        proxy.clearRules();
    }

    @AfterAll
    void stop() throws Exception {
        models.close();
        tensorModels.close();
        s3.close();
        s3Server.close();
        eventBridge.close();
        cacheClient.close();
        results.close();
        events.close();
        proxy.close();
        tables.close();
    }

    /**
     * The sample catalog without its shadow, whose calls would be counted beside the live version's: the counts here
     * are the cache's. (A hit runs no shadow either: the first test counts with the catalog's shadow in place.)
     */
    private static String sampleCatalog() throws java.io.IOException {
        String yaml = Files.readString(Path.of("../samples/catalog.yaml"));
        if (!yaml.contains(", shadow: \"2\", shadowPercent: 10 }")) {
            throw new IllegalStateException("the sample catalog's sentence-embedder shadow has moved; update this test");
        }
        return yaml.replace(", shadow: \"2\", shadowPercent: 10 }", " }");
    }

    private InferencePipeline pipeline(ModelCatalog catalog) {
        return pipeline(catalog, MODEL, models);
    }

    private InferencePipeline pipeline(ModelCatalog catalog, String model, ModelRuntime runtime) {
        MicroBatcher batcher = new MicroBatcher(runtime);
        Scorer counting = requests -> {
            modelCalls.addAndGet(requests.size());
            return batcher.score(requests);
        };
        return new InferencePipeline(catalog, Set.of(model), codec, counting, new ClaimChecks(s3, BUCKET, codec.mapper()),
                new ResultReporter(new ResultStore(results, CacheTables.RESULTS, Duration.ofDays(1)),
                        EventPublisher.standard(eventBridge, "inferbus", clock), clock),
                new LargeOutputs(s3, BUCKET), new BatchMetrics("test", false), clock)
                .withCache(new ResultCache(cacheClient, CacheTables.CACHE));
    }

    @Test
    void aRepeatedInputReusesTheStoredOutputWithoutRunningTheModelOrItsShadow() {
        ModelCatalog shadowed = CatalogLoader.load(Path.of("../samples/catalog.yaml"));
        InferencePipeline pipeline = pipeline(shadowed);
        // a key in the shadow's sample, so that the first answer has a shadow for the cached one to lack
        String key = java.util.stream.IntStream.range(0, 1_000).mapToObj(i -> "sampled-" + i)
                .filter(shadowed.find(MODEL).orElseThrow().rollout()::shadows).findFirst().orElseThrow();
        ResultRow first = run(pipeline, "the quick brown fox", null, key);
        int calls = modelCalls.get();
        ResultRow again = run(pipeline, "the quick brown fox", null);

        assertThat(modelCalls.get()).as("the second request met no model").isEqualTo(calls);
        assertThat(first.cached()).isFalse();
        assertThat(again.status()).isEqualTo(Status.COMPLETED);
        assertThat(again.cached()).isTrue();
        assertThat(again.version()).isEqualTo(first.version()).isEqualTo("1");
        assertThat(again.output()).isEqualTo(first.output());
        assertThat(again.inferenceMs()).isZero();
        assertThat(again.eventDetail()).contains("\"embedding\"");
        // the shadow scored the input when it was first seen; the cached answer has no shadow of its own
        assertThat(first.shadow().version()).isEqualTo("2");
        assertThat(again.shadow()).isNull();
    }

    @Test
    void aRepeatWithinOneBatchIsScoredOnceAndItsCopiesReuseTheOutput() {
        InferencePipeline pipeline = pipeline(catalog);
        int calls = modelCalls.get();
        List<String> requests = java.util.stream.IntStream.range(0, 5).mapToObj(i -> "batch-" + ids.incrementAndGet()).toList();
        List<InferencePipeline.Record> batch = List.of(
                record(requests.get(0), "said twice in one batch", null), record(requests.get(1), "said once", null),
                record(requests.get(2), "said twice in one batch", null), record(requests.get(3), "said twice in one batch", "2"),
                record(requests.get(4), "said twice in one batch", null));

        InferencePipeline.Report report = pipeline.process(batch);

        assertThat(report.count(InferencePipeline.Fate.COMPLETED)).as(report.toString()).isEqualTo(5);
        assertThat(modelCalls.get()).as("one call per distinct (version, input): v1 twice, v2 once").isEqualTo(calls + 3);
        ResultRow first = row(requests.get(0));
        assertThat(first.cached()).isFalse();
        for (String copy : List.of(requests.get(2), requests.get(4))) {
            ResultRow row = row(copy);
            assertThat(row.cached()).as(copy).isTrue();
            assertThat(row.output()).isEqualTo(first.output());
            assertThat(row.inferenceMs()).isZero();
        }
        assertThat(row(requests.get(1)).cached()).isFalse();
        ResultRow v2 = row(requests.get(3));
        assertThat(v2.cached()).as("another version is another input to the cache").isFalse();
        assertThat(v2.output()).isNotEqualTo(first.output());
    }

    @Test
    void aLargeOutputRepeatedWithinOneBatchIsKeptOnceInS3ForEachRowAndTheCopySaysCached() throws Exception {
        InferencePipeline pipeline = pipeline(tensorCatalog, TENSOR_MODEL, tensorModels);
        JsonNode input = sampleTensorInput();
        int calls = modelCalls.get();
        String first = "large-" + ids.incrementAndGet();
        String copy = "large-" + ids.incrementAndGet();

        InferencePipeline.Report report = pipeline.process(List.of(new InferencePipeline.Record("m-" + first,
                event(first, TENSOR_MODEL, input, null, null)), new InferencePipeline.Record("m-" + copy, event(copy, TENSOR_MODEL, input, null, null))));

        assertThat(report.count(InferencePipeline.Fate.COMPLETED)).as(report.toString()).isEqualTo(2);
        assertThat(modelCalls.get()).isEqualTo(calls + 1);
        assertThat(row(first).outputRef()).isNotNull();
        assertThat(row(first).cached()).isFalse();
        assertThat(row(copy).outputRef()).isNotNull().isNotEqualTo(row(first).outputRef());
        assertThat(row(copy).cached()).as("the copy met no model").isTrue();
        assertThat(row(copy).inferenceMs()).isZero();
    }

    @Test
    void aRefusedInputRepeatedWithinOneBatchFailsEachCopyNamingItsOwnField() throws Exception {
        InferencePipeline pipeline = pipeline(tensorCatalog, TENSOR_MODEL, tensorModels);
        ObjectNode refused = (ObjectNode) sampleTensorInput();
        ((ObjectNode) refused.get("inputs").get(0)).put("datatype", "FP32");
        String first = "refused-" + ids.incrementAndGet();
        String copy = "refused-" + ids.incrementAndGet();

        InferencePipeline.Report report = pipeline.process(List.of(new InferencePipeline.Record("m-" + first,
                event(first, TENSOR_MODEL, refused, null, null)), new InferencePipeline.Record("m-" + copy, event(copy, TENSOR_MODEL, refused, null, null))));

        assertThat(report.count(InferencePipeline.Fate.FAILED)).as(report.toString()).isEqualTo(2);
        for (String requestId : List.of(first, copy)) {
            ResultRow row = row(requestId);
            assertThat(row.status()).isEqualTo(Status.FAILED);
            assertThat(row.errorCode()).isEqualTo(ErrorCode.INVALID_INPUT);
            assertThat(row.errorMessage()).startsWith("/detail/input/inputs/0");
        }
        assertThat(row(copy).errorMessage()).isEqualTo(row(first).errorMessage());
    }

    @Test
    void aRepeatOfARequestSentBackForARetryGoesBackToo() {
        InferencePipeline pipeline = pipeline(catalog);
        int calls = modelCalls.get();
        String first = "late-" + ids.incrementAndGet();
        String copy = "late-" + ids.incrementAndGet();

        InferencePipeline.Report report = pipeline.process(List.of(record(first, "no time left for this", null),
                record(copy, "no time left for this", null)), Deadline.after(0, clock));

        assertThat(report.count(InferencePipeline.Fate.RETRY)).as(report.toString()).isEqualTo(2);
        assertThat(report.retry()).containsExactly("m-" + first, "m-" + copy);
        assertThat(modelCalls.get()).isEqualTo(calls);
        assertThat(store.find(copy).join()).isEmpty();
    }

    private static JsonNode sampleTensorInput() throws java.io.IOException {
        return new ObjectMapper().readTree(Files.readString(Path.of("../events/samples/valid/sentence-embedder-raw-a-cat.json")))
                .get("detail").get("input");
    }

    @Test
    void aNewVersionNeverMeetsAnOlderVersionsEntry() throws Exception {
        InferencePipeline pipeline = pipeline(catalog);
        ResultRow v1 = run(pipeline, "versions keep their own answers", null);
        int calls = modelCalls.get();

        ResultRow pinned = run(pipeline, "versions keep their own answers", "2");
        assertThat(modelCalls.get()).as("pinned to v2: a miss, scored").isEqualTo(calls + 1);
        assertThat(pinned.version()).isEqualTo("2");
        assertThat(pinned.cached()).isFalse();
        assertThat(pinned.output()).isNotEqualTo(v1.output());
        assertThat(run(pipeline, "versions keep their own answers", "2").cached()).as("v2's own entry").isTrue();

        // a rollout to v2: the same text unpinned now meets v2, whose entry is its own and not v1's
        ResultRow before = run(pipeline, "a rollout moves every key", null);
        ModelCatalog rolledOut = CatalogLoader.parse(sampleCatalog()
                .replace("rollout: { traffic: { \"1\": 100 } }", "rollout: { traffic: { \"2\": 100 } }"), "rolled-out.yaml");
        assertThat(rolledOut.find(MODEL).orElseThrow().version()).isEqualTo("2");
        calls = modelCalls.get();
        ResultRow after = run(pipeline(rolledOut), "a rollout moves every key", null);

        assertThat(before.version()).isEqualTo("1");
        assertThat(after.version()).isEqualTo("2");
        assertThat(after.cached()).isFalse();
        assertThat(modelCalls.get()).isEqualTo(calls + 1);
    }

    @Test
    void anExpiredEntryIsAMiss() {
        InferencePipeline pipeline = pipeline(catalog);
        run(pipeline, "kept for an hour", null);
        clock.advance(Duration.ofSeconds(3600));
        int calls = modelCalls.get();

        ResultRow late = run(pipeline, "kept for an hour", null);

        assertThat(late.cached()).isFalse();
        assertThat(modelCalls.get()).isEqualTo(calls + 1);
        assertThat(run(pipeline, "kept for an hour", null).cached()).as("the fresh output was stored again").isTrue();
    }

    @Test
    void aFailingCacheNeverFailsTheRequest() {
        InferencePipeline pipeline = pipeline(catalog);
        proxy.addRule(FaultRule.dynamoDbThrottling().name("get").operation("BatchGetItem").build());
        proxy.addRule(FaultRule.dynamoDbInternalServerError().name("write").operation("BatchWriteItem").build());
        int calls = modelCalls.get();

        ResultRow row = run(pipeline, "the cache is down", null);

        assertThat(row.status()).isEqualTo(Status.COMPLETED);
        assertThat(row.cached()).isFalse();
        assertThat(modelCalls.get()).isEqualTo(calls + 1);
        assertThat(proxy.counts("get").injected()).isPositive();
        assertThat(proxy.counts("write").injected()).isPositive();

        proxy.clearRules();
        assertThat(run(pipeline, "the cache is down", null).cached()).as("nothing was stored while it failed").isFalse();
        assertThat(modelCalls.get()).isEqualTo(calls + 2);
    }

    @Test
    void aReplayReScoresWithoutLookingUp() {
        InferencePipeline pipeline = pipeline(catalog);
        run(pipeline, "replays re-score on purpose", null);
        assertThat(run(pipeline, "replays re-score on purpose", null).cached()).isTrue();
        int calls = modelCalls.get();

        String replay = Rescore.of(MODEL, "1", Instant.parse("2026-11-24T09:00:00Z")).replayName();
        String requestId = "replayed-" + ids.incrementAndGet();
        InferencePipeline.Report report = pipeline.process(List.of(new InferencePipeline.Record("r", event(requestId,
                "replays re-score on purpose", null, replay))));

        assertThat(report.count(InferencePipeline.Fate.COMPLETED)).isEqualTo(1);
        assertThat(modelCalls.get()).isEqualTo(calls + 1);
        ResultRow rescored = row(requestId + "#1");
        assertThat(rescored.cached()).isFalse();
        assertThat(rescored.replayName()).isEqualTo(replay);
    }

    private ResultRow run(InferencePipeline pipeline, String text, String version) {
        return run(pipeline, text, version, "req-" + ids.incrementAndGet());
    }

    private ResultRow run(InferencePipeline pipeline, String text, String version, String requestId) {
        InferencePipeline.Report report = pipeline.process(List.of(record(requestId, text, version)));
        assertThat(report.count(InferencePipeline.Fate.COMPLETED)).as(report.toString()).isEqualTo(1);
        return row(requestId);
    }

    private InferencePipeline.Record record(String requestId, String text, String version) {
        return new InferencePipeline.Record("m-" + requestId, event(requestId, text, version, null));
    }

    private ResultRow row(String key) {
        StoredResult stored = store.find(key).join().orElseThrow();
        return ((StoredResult.Final) stored).row();
    }

    private String event(String requestId, String text, String version, String replayName) {
        return event(requestId, MODEL, codec.objectNode().put("text", text), version, replayName);
    }

    private String event(String requestId, String model, JsonNode input, String version, String replayName) {
        var event = codec.objectNode().put("version", "0").put("id", "e-" + requestId)
                .put("detail-type", "InferenceRequested").put("source", "test").put("time", clock.instant().toString());
        if (replayName != null) {
            event.put("replay-name", replayName);
        }
        var detail = event.putObject("detail").put("requestId", requestId).put("model", model);
        if (version != null) {
            detail.put("version", version);
        }
        detail.set("input", input);
        return codec.toJson(event);
    }

    /** A clock a test moves: expiry is a matter of time. */
    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
