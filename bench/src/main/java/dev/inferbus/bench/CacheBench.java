package dev.inferbus.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.events.cache.CacheTable;
import dev.inferbus.events.cache.ResultCache;
import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.events.results.ResultStore;
import dev.inferbus.events.results.ResultsTable;
import dev.inferbus.events.results.StoredResult;
import dev.inferbus.events.timing.TimeBudgets;
import dev.inferbus.functions.batch.MicroBatcher;
import dev.inferbus.functions.batch.Scorer;
import dev.inferbus.functions.claimcheck.ClaimChecks;
import dev.inferbus.functions.metrics.BatchMetrics;
import dev.inferbus.functions.pipeline.InferencePipeline;
import dev.inferbus.functions.publish.EventPublisher;
import dev.inferbus.functions.results.LargeOutputs;
import dev.inferbus.functions.results.ResultReporter;
import dev.inferbus.functions.runtime.ArtifactSource;
import dev.inferbus.functions.runtime.ModelRuntime;
import dev.inferbus.local.cloud.AwsClients;
import dev.inferbus.local.emulators.DynamoDbLocalServer;
import dev.inferbus.local.eventbridge.EventRouter;
import dev.inferbus.local.eventbridge.PutEventsServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
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

/**
 * {@code ./inferbus bench cache}: a Zipf-distributed workload (popular texts asked often, most rarely) through the
 * real pipeline — the sample catalog's sentence-embedder with its one-hour cache, the real MiniLM model, DynamoDB
 * Local for results and cache, the local PutEvents endpoint — once with the cache and once without; a counting
 * wrapper around the real micro-batcher tells how many requests met the model.
 */
public final class CacheBench {

    static final int REQUESTS = 5_000;
    static final int DISTINCT = 1_000;
    static final double S = 1.1;
    static final long SEED = 16;
    /** The sentence-embedder's SQS batch size: one pipeline invocation per batch, as its function gets them. */
    static final int BATCH = 100;
    private static final String MODEL = "sentence-embedder";

    /**
     * @param sampledDistinct distinct inputs in the drawn sequence: a cache that never expires and sees every
     *                        earlier batch can serve at most {@code requests - sampledDistinct}
     * @param expectedHitRatio the same bound in expectation over Zipf draws: {@code 1 - E[distinct]/N}
     */
    public record Result(int requests, int hits, int cachedRows, int modelCallsCached, int modelCallsUncached,
                         int shadowCallsCached, int shadowCallsUncached, int sampledDistinct, double expectedHitRatio,
                         double secondsCached, double secondsUncached) {

        double hitRatio() {
            return (double) hits / requests;
        }

        public String describe() {
            return String.format("""
                    Zipf workload: %d requests over %d distinct texts, s = %.1f, seed %d, batches of %d
                      hit ratio                     %.3f (%d of %d requests served without the model; %d rows say cached)
                      model calls with cache        %d (tensor rows scored)
                      model calls without cache     %d
                      model calls saved             %d (%.1f %%)
                      shadow calls with / without   %d / %d (the catalog's shadow version scores each live miss)
                      ceiling (this draw)           %.3f (1 - %d distinct / %d)
                      ceiling (expected, Zipf)      %.3f (1 - E[distinct] / N)
                      wall time with / without      %.1f s / %.1f s""",
                    requests, DISTINCT, S, SEED, BATCH, hitRatio(), hits, requests, cachedRows, modelCallsCached,
                    modelCallsUncached, modelCallsUncached - modelCallsCached,
                    100.0 * (modelCallsUncached - modelCallsCached) / modelCallsUncached, shadowCallsCached, shadowCallsUncached,
                    1 - (double) sampledDistinct / requests, sampledDistinct, requests, expectedHitRatio, secondsCached, secondsUncached);
        }
    }

    public static Result run() throws Exception {
        double[] p = zipf(DISTINCT, S);
        int[] draws = draw(p, REQUESTS, new SplittableRandom(SEED));
        int sampledDistinct = (int) Arrays.stream(draws).distinct().count();
        double expectedDistinct = 0;
        for (double pi : p) {
            expectedDistinct += 1 - Math.pow(1 - pi, REQUESTS);
        }
        ModelCatalog catalog = CatalogLoader.loadClasspath();
        ModelSpec spec = catalog.find(MODEL).orElseThrow();
        if (spec.cache() == null) {
            throw new IllegalStateException("the sample catalog's " + MODEL + " has no cache");
        }
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        try (DynamoDbLocalServer dynamo = DynamoDbLocalServer.start(0);
             DynamoDbClient direct = AwsClients.configure(DynamoDbClient.builder(), dynamo.endpoint()).build();
             PutEventsServer events = PutEventsServer.start(0, new EventRouter(), "inferbus", "us-east-1", "000000000000", new ObjectMapper());
             DynamoDbAsyncClient dynamoDb = DynamoDbAsyncClient.builder().endpointOverride(dynamo.endpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(credentials).httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(64))
                     .overrideConfiguration(o -> o.apiCallTimeout(TimeBudgets.AWS_CALL.multipliedBy(3))).build();
             EventBridgeAsyncClient eventBridge = EventBridgeAsyncClient.builder().endpointOverride(events.endpoint())
                     .region(Region.US_EAST_1).credentialsProvider(credentials).build();
             // no request has a claim check or a large output: S3 is never called
             S3AsyncClient s3 = S3AsyncClient.builder().endpointOverride(URI.create("http://127.0.0.1:9")).region(Region.US_EAST_1)
                     .credentialsProvider(credentials).build();
             ModelRuntime models = ModelRuntime.load(List.of(spec), ArtifactSource.fromRoot("classpath:"))) {
            for (String table : List.of("results-cached", "results-uncached")) {
                create(direct, table, ResultsTable.KEY);
            }
            create(direct, "result-cache", CacheTable.KEY);
            Set<String> served = Set.of(MODEL);
            EventCodec codec = EventCodec.create();
            MicroBatcher batcher = new MicroBatcher(models);
            AtomicInteger calls = new AtomicInteger();
            AtomicInteger shadowCalls = new AtomicInteger();
            Scorer counting = requests -> {
                // the live version's rows are what the cache saves; the shadow's are counted apart
                requests.forEach(r -> (r.model().version().equals(spec.version()) ? calls : shadowCalls).incrementAndGet());
                return batcher.score(requests);
            };
            Clock clock = Clock.systemUTC();
            // warm the model and the code path once, outside both measured runs
            batcher.score(List.of(new dev.inferbus.functions.batch.ScoringRequest(spec, codec.mapper().createObjectNode()
                    .put("text", "warm up"), "/detail/input")));

            InferencePipeline withCache = pipeline(catalog, served, codec, counting, s3, dynamoDb, eventBridge, clock,
                    "results-cached", new ResultCache(dynamoDb, "result-cache"));
            long start = System.nanoTime();
            runWorkload(withCache, codec, draws, "c");
            double secondsCached = (System.nanoTime() - start) / 1e9;
            int callsCached = calls.getAndSet(0);
            int shadowCached = shadowCalls.getAndSet(0);
            List<StoredResult> rows = ResultStore.reader(dynamoDb, "results-cached").scan().join();
            int cachedRows = (int) rows.stream().filter(r -> r instanceof StoredResult.Final f && f.row().cached()).count();
            if (rows.size() != REQUESTS) {
                throw new IllegalStateException("expected " + REQUESTS + " result rows, found " + rows.size());
            }

            InferencePipeline withoutCache = pipeline(catalog, served, codec, counting, s3, dynamoDb, eventBridge, clock,
                    "results-uncached", null);
            start = System.nanoTime();
            runWorkload(withoutCache, codec, draws, "u");
            double secondsUncached = (System.nanoTime() - start) / 1e9;
            int callsUncached = calls.getAndSet(0);
            int shadowUncached = shadowCalls.getAndSet(0);

            return new Result(REQUESTS, REQUESTS - callsCached, cachedRows, callsCached, callsUncached, shadowCached, shadowUncached, sampledDistinct,
                    1 - expectedDistinct / REQUESTS, secondsCached, secondsUncached);
        }
    }

    private static InferencePipeline pipeline(ModelCatalog catalog, Set<String> served, EventCodec codec, Scorer scorer,
                                              S3AsyncClient s3, DynamoDbAsyncClient dynamoDb, EventBridgeAsyncClient eventBridge,
                                              Clock clock, String resultsTable, ResultCache cache) {
        return new InferencePipeline(catalog, served, codec, scorer, new ClaimChecks(s3, "bench", codec.mapper()),
                new ResultReporter(new ResultStore(dynamoDb, resultsTable, Duration.ofDays(1)),
                        EventPublisher.standard(eventBridge, "inferbus", clock), clock),
                new LargeOutputs(s3, "bench"), new BatchMetrics("bench", false), clock).withCache(cache);
    }

    private static void runWorkload(InferencePipeline pipeline, EventCodec codec, int[] draws, String prefix) {
        for (int from = 0; from < draws.length; from += BATCH) {
            List<InferencePipeline.Record> batch = new ArrayList<>();
            for (int i = from; i < Math.min(from + BATCH, draws.length); i++) {
                batch.add(new InferencePipeline.Record(prefix + i, event(codec, prefix + "-" + i, text(draws[i]))));
            }
            InferencePipeline.Report report = pipeline.process(batch);
            if (report.count(InferencePipeline.Fate.COMPLETED) != batch.size()) {
                throw new IllegalStateException("a batch did not complete whole: " + report);
            }
        }
    }

    /** Zipf probabilities of ranks 1..n: p(k) proportional to 1 / k^s. */
    static double[] zipf(int n, double s) {
        double[] p = new double[n];
        double sum = 0;
        for (int k = 1; k <= n; k++) {
            p[k - 1] = 1 / Math.pow(k, s);
            sum += p[k - 1];
        }
        for (int k = 0; k < n; k++) {
            p[k] /= sum;
        }
        return p;
    }

    static int[] draw(double[] p, int count, SplittableRandom random) {
        double[] cdf = new double[p.length];
        double acc = 0;
        for (int i = 0; i < p.length; i++) {
            acc += p[i];
            cdf[i] = acc;
        }
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            int at = Arrays.binarySearch(cdf, random.nextDouble() * acc);
            out[i] = Math.min(at >= 0 ? at : -at - 1, p.length - 1);
        }
        return out;
    }

    /** Distinct, plausible sentences of varied length: rank r always gives the same text. */
    static String text(int rank) {
        String[] subjects = {"the invoice", "a delayed parcel", "my account", "the quarterly report", "a refund", "the new router"};
        String[] verbs = {"needs", "is missing", "was charged for", "does not show", "keeps asking for", "should include"};
        String[] objects = {"a signature", "the tracking number", "two-factor codes", "last month's totals", "a receipt", "firmware 2.1"};
        return subjects[rank % 6] + " " + verbs[(rank / 6) % 6] + " " + objects[(rank / 36) % 6] + " (case " + rank + ")";
    }

    private static String event(EventCodec codec, String requestId, String text) {
        var event = codec.objectNode().put("version", "0").put("id", "e-" + requestId).put("detail-type", "InferenceRequested")
                .put("source", "bench").put("time", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        var detail = event.putObject("detail").put("requestId", requestId).put("model", MODEL);
        detail.putObject("input").put("text", text);
        return codec.toJson(event);
    }

    private static void create(DynamoDbClient client, String table, String key) {
        client.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName(key).attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName(key).keyType(KeyType.HASH).build()));
    }

    private CacheBench() {
    }

}
