package dev.inferbus.functions.handler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.cache.ResultCache;
import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.timing.TimeBudgets;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.events.catalog.Tier;
import dev.inferbus.events.results.Status;
import dev.inferbus.functions.batch.MicroBatcher;
import dev.inferbus.functions.batch.Scorer;
import dev.inferbus.functions.claimcheck.ClaimChecks;
import dev.inferbus.functions.config.AwsServices;
import dev.inferbus.functions.config.FunctionConfig;
import dev.inferbus.functions.drift.DriftMonitor;
import dev.inferbus.functions.metrics.BatchMetrics;
import dev.inferbus.functions.pipeline.InferencePipeline;
import dev.inferbus.functions.publish.EventPublisher;
import dev.inferbus.functions.results.LargeOutputs;
import dev.inferbus.functions.gpu.AsyncCompletions;
import dev.inferbus.functions.gpu.EndpointForwarder;
import dev.inferbus.functions.gpu.generation.ProgressSink;
import dev.inferbus.functions.results.ResultReporter;
import dev.inferbus.events.results.ResultStore;
import dev.inferbus.functions.runtime.ArtifactSource;
import dev.inferbus.functions.runtime.ModelRuntime;
import dev.inferbus.functions.runtime.TaskModel;
import dev.inferbus.functions.tracing.Tracing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Everything a function builds once, at init: configuration, catalog, models, AWS clients and the pipeline. With
 * SnapStart this is what the snapshot holds — models loaded and the code path primed by a real inference per
 * model in {@link #beforeCheckpoint}; after a restore the AWS clients (and their pooled connections) are rebuilt,
 * and the JDK reseeds {@code SecureRandom}, which is all the randomness the function uses (event ids).
 */
public final class FunctionRuntime implements Resource, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FunctionRuntime.class);

    private final FunctionConfig config;
    private final ModelCatalog catalog;
    private final List<ModelSpec> models;
    private final ModelRuntime modelRuntime;
    /** Built once: its windows of recent requests outlive the pipelines rebuilt after a restore. */
    private final DriftMonitor drift;
    private final boolean forwards;
    private final EventCodec codec;
    private final AtomicReference<Wired> wired = new AtomicReference<>();
    private final List<ExecutionInterceptor> interceptors;

    /** The parts that hold connections, rebuilt together after a restore. */
    private record Wired(AwsServices aws, InferencePipeline pipeline, AsyncCompletions completions, Tracing tracing) {

        void close() {
            aws.close();
            tracing.close();
        }
    }

    public FunctionRuntime(FunctionConfig config) {
        this(config, List.of());
    }

    /** @param interceptors SDK interceptors for every client, kept across restores (tests inject faults with them) */
    public FunctionRuntime(FunctionConfig config, List<ExecutionInterceptor> interceptors) {
        long start = System.nanoTime();
        this.config = config;
        this.codec = EventCodec.create().withClaimCheckPrefix(config.claimCheckPrefix());
        this.interceptors = List.copyOf(interceptors);
        Tracing tracing = Tracing.fromEnvironment(System.getenv());
        AwsServices aws = services(tracing);
        try {
            this.catalog = loadCatalog(config, aws);
            this.models = catalog.select(config.models());
            if (models.stream().map(ModelSpec::tier).distinct().count() > 1) {
                throw new IllegalStateException(FunctionConfig.MODELS + " mixes cpu and gpu models " + config.models()
                        + ": a function either runs its models or forwards them to endpoints");
            }
            this.forwards = models.stream().anyMatch(m -> m.tier() == Tier.GPU);
            ArtifactSource artifacts = artifacts(config, aws);
            this.modelRuntime = ModelRuntime.load(forwards ? List.of() : models, artifacts);
            this.drift = DriftMonitor.load(modelRuntime.models(), artifacts);
        } catch (IOException e) {
            aws.close();
            tracing.close();
            throw new UncheckedIOException("cannot load the models of this function: " + e.getMessage(), e);
        }
        wired.set(wire(aws, tracing));
        Core.getGlobalContext().register(this);
        LOG.atInfo().addKeyValue("models", String.join(",", config.models())).addKeyValue("loadMillis", modelRuntime.loadMillis())
                .addKeyValue("ms", (System.nanoTime() - start) / 1_000_000).log("init done");
    }

    /** Built from the process environment, the way Lambda runs it. */
    public static FunctionRuntime fromEnvironment() {
        return new FunctionRuntime(FunctionConfig.fromEnvironment());
    }

    /** The AWS clients, each call of theirs traced by {@code tracing}. */
    private AwsServices services(Tracing tracing) {
        List<ExecutionInterceptor> all = new ArrayList<>(interceptors);
        all.add(tracing.awsCalls());
        return new AwsServices(config, all);
    }

    private Wired wire(AwsServices aws, Tracing tracing) {
        ResultStore store = store(aws);
        return new Wired(aws, pipeline(aws, MicroBatcher.Options.DEFAULT),
                new AsyncCompletions(catalog, aws.s3(), config.bucket(), store, reporter(aws, store),
                        new LargeOutputs(aws.s3(), config.bucket()), codec, Clock.systemUTC()),
                tracing);
    }

    private InferencePipeline pipeline(AwsServices aws, MicroBatcher.Options options) {
        ResultStore store = store(aws);
        Scorer scorer = forwards
                ? new EndpointForwarder(aws.sageMaker(), aws.s3(), config.bucket(), store, codec, Clock.systemUTC())
                        .withProgress(ProgressSink.bus(EventPublisher.standard(aws.events(), config.bus(), Clock.systemUTC()), codec,
                                Clock.systemUTC()))
                : new MicroBatcher(modelRuntime, options);
        return new InferencePipeline(catalog, new HashSet<>(config.models()), codec, scorer,
                new ClaimChecks(aws.s3(), config.bucket(), codec.mapper()), reporter(aws, store),
                new LargeOutputs(aws.s3(), config.bucket()), BatchMetrics.forEnvironment(), Clock.systemUTC())
                .withCache(config.cacheTable() == null ? null : new ResultCache(aws.dynamoDb(), config.cacheTable()))
                .withDrift(drift);
    }

    private ResultStore store(AwsServices aws) {
        return new ResultStore(aws.dynamoDb(), config.table(), Duration.ofDays(config.resultTtlDays()));
    }

    private ResultReporter reporter(AwsServices aws, ResultStore store) {
        return new ResultReporter(store, EventPublisher.standard(aws.events(), config.bus(), Clock.systemUTC()), Clock.systemUTC());
    }

    /** The same pipeline with other tensor-batching options, sharing the loaded models (benchmarks compare them). */
    public InferencePipeline pipelineWith(MicroBatcher.Options options) {
        return pipeline(wired.get().aws(), options);
    }

    private static ModelCatalog loadCatalog(FunctionConfig config, AwsServices aws) throws IOException {
        String where = config.catalog();
        if (where.equals("classpath:")) {
            return CatalogLoader.loadClasspath();
        }
        if (where.startsWith("s3://")) {
            URI uri = URI.create(where);
            byte[] bytes = aws.s3().getObject(b -> b.bucket(uri.getHost()).key(uri.getPath().substring(1)),
                    AsyncResponseTransformer.toBytes()).join().asByteArray();
            return CatalogLoader.parse(new String(bytes, StandardCharsets.UTF_8), where);
        }
        return CatalogLoader.load(Path.of(where));
    }

    /** Model files: from S3 into /tmp (Lambda's only writable place), else a folder or the classpath. */
    private static ArtifactSource artifacts(FunctionConfig config, AwsServices aws) {
        String root = config.modelRoot();
        if (!root.startsWith("s3://")) {
            return ArtifactSource.fromRoot(root);
        }
        URI uri = URI.create(root.endsWith("/") ? root : root + "/");
        Path scratch = Path.of(System.getProperty("java.io.tmpdir"), "inferbus-models");
        return new ArtifactSource() {
            @Override
            public Path fetch(String relativePath) throws IOException {
                Path local = scratch.resolve(relativePath);
                if (!Files.exists(local)) {
                    Files.createDirectories(local.getParent());
                    String key = uri.getPath().substring(1) + relativePath;
                    aws.s3().getObject(b -> b.bucket(uri.getHost()).key(key).overrideConfiguration(o -> o
                                    .apiCallTimeout(TimeBudgets.ARTIFACT_DOWNLOAD).apiCallAttemptTimeout(TimeBudgets.ARTIFACT_DOWNLOAD)),
                            AsyncResponseTransformer.toFile(local)).join();
                }
                return local;
            }

            @Override
            public boolean exists(String relativePath) {
                String key = uri.getPath().substring(1) + relativePath;
                return aws.s3().headObject(b -> b.bucket(uri.getHost()).key(key)).handle((r, e) -> e == null).join();
            }
        };
    }

    public InferencePipeline pipeline() {
        return wired.get().pipeline();
    }

    /** Runs each invocation's work with its trace; rebuilt with the AWS clients after a restore. */
    public Tracing tracing() {
        return wired.get().tracing();
    }

    /** Ends requests handed to asynchronous endpoints, from their notifications. */
    public AsyncCompletions completions() {
        return wired.get().completions();
    }

    /** The catalog ids this function serves. */
    public List<String> modelIds() {
        return config.models();
    }

    public EventCodec codec() {
        return codec;
    }

    /**
     * Runs the whole compute path — decode, schema checks, a real inference, the result row and its event JSON —
     * once per loaded model on a synthetic record, with no I/O, so that classes are loaded, JIT profiles exist
     * and ONNX Runtime has allocated its buffers before the snapshot or the first request.
     *
     * @return the priming outputs, one per model
     */
    public List<JsonNode> prime() {
        List<InferencePipeline.Record> records = new ArrayList<>();
        for (TaskModel<?> model : modelRuntime.models()) {
            var event = codec.objectNode().put("version", "0").put("id", "priming-" + model.spec().id())
                    .put("detail-type", dev.inferbus.events.contract.DetailType.REQUESTED).put("source", "inferbus.priming")
                    .put("time", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
            var detail = event.putObject("detail").put("requestId", "priming-" + model.spec().id()).put("model", model.spec().id());
            detail.set("input", model.primingInput());
            records.add(new InferencePipeline.Record("priming-" + model.spec().id(), codec.toJson(event)));
        }
        List<JsonNode> outputs = new ArrayList<>();
        for (var row : pipeline().computeRows(records)) {
            if (row.status() != Status.COMPLETED) {
                throw new IllegalStateException("priming " + row.model() + " failed: " + row.errorMessage());
            }
            try {
                outputs.add(codec.mapper().readTree(row.output()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return outputs;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
        tracing().flush();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        Tracing tracing = Tracing.fromEnvironment(System.getenv());
        Wired old = wired.getAndSet(wire(services(tracing), tracing));
        old.close();
    }

    @Override
    public void close() {
        wired.get().close();
        modelRuntime.close();
    }
}
