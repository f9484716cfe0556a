package dev.inferbus.events.catalog;

import dev.inferbus.events.routing.Route;
import dev.inferbus.events.timing.TimeBudgets;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Objects;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads {@code catalog.yaml} into a {@link ModelCatalog}, refusing anything inconsistent with a message naming file and entry. */
public final class CatalogLoader {

    /** The classpath resource the samples module ships its catalog as. */
    public static final String CLASSPATH_CATALOG = "inferbus/catalog.yaml";

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    /** A version name: it appears in replay names ({@code Rescore}), which allow no dots. */
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9_-]{1,16}");
    private static final Pattern BUS = Pattern.compile("[A-Za-z0-9._-]{1,256}");
    private static final Pattern ENDPOINT_NAME = Pattern.compile("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
    private static final int MAX_NEW_TOKENS = 8192;
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private CatalogLoader() {
    }

    public static ModelCatalog load(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new CatalogException(file + ": cannot read the catalog: " + e.getMessage(), e);
        }
    }

    public static ModelCatalog loadClasspath() {
        try (InputStream in = CatalogLoader.class.getClassLoader().getResourceAsStream(CLASSPATH_CATALOG)) {
            if (in == null) {
                throw new CatalogException("no " + CLASSPATH_CATALOG + " on the classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "classpath:" + CLASSPATH_CATALOG);
        } catch (IOException e) {
            throw new CatalogException("classpath:" + CLASSPATH_CATALOG + ": " + e.getMessage(), e);
        }
    }

    public static ModelCatalog parse(String yaml, String source) {
        RawCatalog raw;
        try {
            raw = YAML.readValue(yaml, RawCatalog.class);
        } catch (JsonMappingException e) {
            throw new CatalogException(source + ": " + location(e) + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        } catch (IOException e) {
            throw new CatalogException(source + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (raw == null) {
            throw new CatalogException(source + ": the catalog is empty");
        }
        if (raw.bus() == null || !BUS.matcher(raw.bus()).matches()) {
            throw new CatalogException(source + ": 'bus' must be an event bus name ([A-Za-z0-9._-], 1..256), got " + raw.bus());
        }
        if (raw.models() == null || raw.models().isEmpty()) {
            throw new CatalogException(source + ": 'models' must list at least one model");
        }
        List<ModelSpec> models = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Map<String, ModelSpec> endpoints = new HashMap<>();
        for (int i = 0; i < raw.models().size(); i++) {
            RawModel m = raw.models().get(i);
            String where = source + ": models[" + i + "]" + (m.id() == null ? "" : " (" + m.id() + ")") + ": ";
            ModelSpec spec = toSpec(m, where);
            if (!ids.add(spec.id())) {
                throw new CatalogException(where + "duplicate id '" + spec.id() + "'");
            }
            claimEndpoints(spec, m.versions() != null, endpoints, where);
            models.add(spec);
        }
        return new ModelCatalog(raw.bus(), models);
    }

    /**
     * Each gpu version's endpoint serves that version alone, across the whole catalog: an endpoint's capacity,
     * grants, alarms and local stand-in are all per name.
     *
     * @param listed whether the entry lists {@code versions}: a duplicate is then named by its version's entry
     */
    private static void claimEndpoints(ModelSpec spec, boolean listed, Map<String, ModelSpec> owners, String where) {
        List<ModelSpec> versions = spec.allVersions();
        for (int j = 0; j < versions.size(); j++) {
            ModelSpec version = versions.get(j);
            if (version.endpoint() == null) {
                continue;
            }
            ModelSpec owner = owners.putIfAbsent(version.endpoint().name(), version);
            if (owner != null) {
                throw new CatalogException((listed ? versionAt(where, j, version.version()) : where) + "endpoint '"
                        + version.endpoint().name() + "' already serves " + (owner.id().equals(spec.id())
                        ? "version '" + owner.version() + "' of this model"
                        : "another model ('" + owner.id() + "', version '" + owner.version() + "')"));
            }
        }
    }

    private static String versionAt(String where, int index, String version) {
        return where + "versions[" + index + "]" + (version == null ? "" : " (" + version + ")") + ": ";
    }

    private static ModelSpec toSpec(RawModel m, String where) {
        if (m.id() == null || !ID.matcher(m.id()).matches()) {
            throw new CatalogException(where + "'id' must match " + ID.pattern() + ", got " + m.id());
        }
        Task task = parseEnum(where, "task", m.task(), Task.class, Task::wireName);
        Tier tier = parseEnum(where, "tier", m.tier(), Tier.class, Tier::wireName);
        Trigger trigger = parseEnum(where, "trigger", m.trigger(), Trigger.class, Trigger::wireName);
        if (tier == Tier.GPU) {
            // the route's function would be the async completion function's namesake: two constructs of one id
            require(!Route.gpuRouteName(m.id()).equals(Route.ASYNC_COMPLETION_FUNCTION), where + "'id' " + m.id()
                    + " is taken on the gpu tier: its route's function would be named " + Route.ASYNC_COMPLETION_FUNCTION
                    + ", the asynchronous endpoints' completion function");
            require(trigger == Trigger.SQS, where + "a gpu model is forwarded from an SQS queue: 'trigger' must be sqs, got "
                    + trigger.wireName() + (trigger == Trigger.KINESIS ? " (a kinesis trigger on gpu cannot keep per-key order across endpoint calls)" : ""));
            // The forwarder checks inputs before it spends endpoint capacity, and maps outputs back to the task's shape:
            // it knows those for text (hf-tei is a text protocol; kserve-v2 carries the texts as a BYTES tensor), for
            // named tensors, which kserve-v2 carries as they are, and for generations (hf-tgi, openai-chat).
            require(task == Task.TEXT_EMBEDDING || task == Task.TENSOR || task == Task.TEXT_GENERATION, where
                    + "the gpu tier forwards text-embedding, tensor and text-generation models; a " + task.wireName()
                    + " model runs on the cpu tier");
        }
        // a generation needs an accelerator and a container that streams it; the cpu runtime runs ONNX graphs only
        require(tier == Tier.GPU || task != Task.TEXT_GENERATION, where + "a text-generation model is served by a"
                + " SageMaker endpoint: 'tier' must be gpu, got " + tier.wireName());
        List<ModelVersion> versions = versions(m, tier, where);
        if (task == Task.TENSOR) {
            versions.stream().map(ModelVersion::endpoint).filter(Objects::nonNull).forEach(e -> tensorEndpoint(e, where));
        }
        requireFormatFits(task, versions, where);
        Rollout rollout = rollout(m.rollout(), versions, tier, where);
        ModelVersion live = versions.stream().filter(v -> v.version().equals(rollout.live())).findFirst().orElseThrow();
        require(m.shards() == null || trigger == Trigger.KINESIS, where + "'shards' applies to kinesis-triggered models only");
        int shards = trigger == Trigger.KINESIS ? (m.shards() == null ? 2 : m.shards()) : 0;
        require(trigger != Trigger.KINESIS || (shards >= 1 && shards <= 500), where + "'shards' must be 1..500, got " + shards);
        BatchSpec batch = batch(m.batch(), trigger, where);
        // a forwarding function must outlast every round of endpoint calls its batch takes, and then report; each
        // version's calls run beside the others', and a whole batch may fall to the slowest version
        int needed = versions.stream().map(ModelVersion::endpoint).filter(Objects::nonNull)
                .mapToInt(e -> (int) TimeBudgets.forwarderTimeout(e.rounds(batch.size())).toSeconds()).max().orElse(1);
        return new ModelSpec(m.id(), live.version(), task, tier, trigger, live.artifact(), batch, live.endpoint(),
                limits(m.limits(), where), function(m.function(), tier, needed, where), shards, versions, rollout,
                cache(m.cache(), tier, where));
    }

    /**
     * A tensor model's endpoint: Triton (kserve-v2) takes named tensors as they are; a request's tensors are its own
     * call, as their shapes are the request's (Triton, not the forwarder, knows which of them could share a batch);
     * and an asynchronous completion reads embeddings only.
     */
    private static void tensorEndpoint(EndpointSpec e, String where) {
        require(e.format() == EndpointSpec.Format.KSERVE_V2, where + "a tensor model's endpoint.format must be kserve-v2"
                + " (the KServe v2 inference protocol of Triton), got " + e.format().wireName());
        require(e.mode() == EndpointSpec.Mode.REALTIME, where + "a tensor model's endpoint.mode must be realtime");
        require(e.maxRequestBatch() == 1, where + "a tensor model's endpoint.maxRequestBatch must be 1 (one request's"
                + " tensors per call), got " + e.maxRequestBatch());
    }

    /** Each endpoint speaks a format of its task: generation formats carry generations only, and vice versa. */
    private static void requireFormatFits(Task task, List<ModelVersion> versions, String where) {
        for (ModelVersion v : versions) {
            if (v.endpoint() == null) {
                continue;
            }
            EndpointSpec.Format format = v.endpoint().format();
            require(format.generates() == (task == Task.TEXT_GENERATION), where + "endpoint.format '"
                    + format.wireName() + "' does not carry " + task.wireName() + (task == Task.TEXT_GENERATION
                    ? " (use hf-tgi or openai-chat)" : " (hf-tgi and openai-chat are for text-generation)"));
        }
    }

    /** A model's versions: its {@code versions} list, or one version made of its own version, artifact and endpoint. */
    private static List<ModelVersion> versions(RawModel m, Tier tier, String where) {
        if (m.versions() == null) {
            String version = m.version() == null ? "1" : m.version();
            return List.of(version(new RawVersion(version, m.artifact(), m.endpoint()), tier, where));
        }
        require(m.version() == null && m.artifact() == null && m.endpoint() == null,
                where + "with 'versions', each version names its own 'version' and 'artifact' (or 'endpoint')");
        require(!m.versions().isEmpty(), where + "'versions' must list at least one version");
        List<ModelVersion> versions = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int j = 0; j < m.versions().size(); j++) {
            RawVersion raw = m.versions().get(j);
            String at = versionAt(where, j, raw.version());
            ModelVersion version = version(raw, tier, at);
            require(names.add(version.version()), at + "duplicate version '" + version.version() + "'");
            versions.add(version);
        }
        return versions;
    }

    private static ModelVersion version(RawVersion raw, Tier tier, String where) {
        require(raw.version() != null && VERSION.matcher(raw.version()).matches(),
                where + "'version' must match " + VERSION.pattern() + ", got " + raw.version());
        if (tier == Tier.CPU) {
            require(raw.artifact() != null && !raw.artifact().isBlank(), where + "a cpu model needs an 'artifact' (its ONNX file)");
            require(raw.endpoint() == null, where + "'endpoint' is for gpu models; a cpu model runs in the function");
        } else {
            require(raw.endpoint() != null, where + "a gpu model needs an 'endpoint' (its SageMaker endpoint)");
            require(raw.artifact() == null, where + "'artifact' is for cpu models; a gpu model's artifact belongs to its endpoint");
        }
        return new ModelVersion(raw.version(), raw.artifact(), endpoint(raw.endpoint(), where));
    }

    /**
     * The traffic split: weights in whole percent over listed versions, summing to 100, and a shadow that is listed,
     * takes no traffic, and runs in the function (a cpu model: a gpu shadow would spend a second endpoint's capacity
     * on every request, which the forwarder does not budget).
     */
    private static Rollout rollout(RawRollout raw, List<ModelVersion> versions, Tier tier, String where) {
        if (raw == null) {
            return Rollout.single(versions.get(0).version());
        }
        List<String> names = versions.stream().map(ModelVersion::version).toList();
        require(raw.traffic() != null && !raw.traffic().isEmpty(), where + "rollout.traffic must give each served version"
                + " its percent, e.g. { \"" + names.get(0) + "\": 100 }");
        int sum = 0;
        for (Map.Entry<String, Integer> e : raw.traffic().entrySet()) {
            require(names.contains(e.getKey()), where + "rollout.traffic names version '" + e.getKey()
                    + "', which 'versions' does not list (versions: " + names + ")");
            require(e.getValue() != null && e.getValue() >= 0 && e.getValue() <= 100,
                    where + "rollout.traffic." + e.getKey() + " must be a percent 0..100, got " + e.getValue());
            sum += e.getValue();
        }
        require(sum == 100, where + "rollout.traffic weights must sum to 100, got " + sum + " (" + raw.traffic() + ")");
        if (raw.shadow() != null) {
            require(names.contains(raw.shadow()), where + "rollout.shadow names version '" + raw.shadow()
                    + "', which 'versions' does not list (versions: " + names + ")");
            require(!raw.traffic().containsKey(raw.shadow()), where + "rollout.shadow '" + raw.shadow()
                    + "' is also in rollout.traffic: a version either serves traffic or shadows it");
            require(tier == Tier.CPU, where + "rollout.shadow is for cpu models (the shadow runs in the function)");
        }
        JsonNode percent = raw.shadowPercent();
        if (percent == null) {
            return new Rollout(raw.traffic(), raw.shadow());
        }
        require(raw.shadow() != null, where + "rollout.shadowPercent samples the shadow; without rollout.shadow there is none");
        // read as a node, as cache.ttlSeconds is: Jackson would take 12.5 as 12 and "10" as 10
        require(percent.isIntegralNumber() && percent.canConvertToInt() && percent.asInt() >= 1 && percent.asInt() <= 100,
                where + "rollout.shadowPercent must be a whole percent 1..100, got " + percent);
        return new Rollout(raw.traffic(), raw.shadow(), percent.asInt());
    }

    /**
     * The result cache. Its TTL is read as a JSON node, not an Integer: Jackson would round 1.5 to 1 and read
     * "60" as 60, and a cache that lives other than the catalog says is a silent surprise.
     */
    private static CacheSpec cache(RawCache raw, Tier tier, String where) {
        if (raw == null) {
            return null;
        }
        // the forwarder's outputs come back from an endpoint per request (or later, from an async one); the
        // cache sits in front of the in-function scorer only
        require(tier == Tier.CPU, where + "'cache' is for cpu models: a gpu model's requests are forwarded to its"
                + " endpoint, which the result cache does not front");
        JsonNode ttl = raw.ttlSeconds();
        require(ttl != null && ttl.isIntegralNumber() && ttl.canConvertToLong() && ttl.asLong() >= 1,
                where + "cache.ttlSeconds must be a whole number of seconds >= 1, got " + ttl);
        return new CacheSpec(Duration.ofSeconds(ttl.asLong()));
    }

    private static BatchSpec batch(RawBatch raw, Trigger trigger, String where) {
        BatchSpec d = BatchSpec.defaultsFor(trigger);
        if (raw == null) {
            return d;
        }
        require(trigger != Trigger.EVENTBRIDGE, where + "'batch' does not apply to an eventbridge trigger (one event per invocation)");
        BatchSpec b = new BatchSpec(or(raw.size(), d.size()), or(raw.windowSeconds(), d.windowSeconds()),
                or(raw.maxTensorBatch(), d.maxTensorBatch()));
        int maxSize = 10_000;
        require(b.size() >= 1 && b.size() <= maxSize, where + "batch.size must be 1.." + maxSize + ", got " + b.size());
        require(b.windowSeconds() >= 0 && b.windowSeconds() <= 300, where + "batch.windowSeconds must be 0..300, got " + b.windowSeconds());
        require(trigger != Trigger.SQS || b.size() <= 10 || b.windowSeconds() >= 1,
                where + "an SQS batch.size over 10 needs batch.windowSeconds >= 1 (a Lambda event source rule)");
        require(b.maxTensorBatch() >= 1 && b.maxTensorBatch() <= 1024, where + "batch.maxTensorBatch must be 1..1024, got " + b.maxTensorBatch());
        return b;
    }

    private static EndpointSpec endpoint(RawEndpoint raw, String where) {
        if (raw == null) {
            return null;
        }
        require(raw.name() != null && ENDPOINT_NAME.matcher(raw.name()).matches(),
                where + "endpoint.name must be a SageMaker endpoint name (alphanumerics and hyphens, 1..63), got " + raw.name());
        EndpointSpec.Mode mode = parseEnum(where, "endpoint.mode", raw.mode(), EndpointSpec.Mode.class, EndpointSpec.Mode::wireName);
        EndpointSpec.Format format = raw.format() == null ? EndpointSpec.Format.INFERBUS_JSON
                : parseEnum(where, "endpoint.format", raw.format(), EndpointSpec.Format.class, EndpointSpec.Format::wireName);
        EndpointSpec.Builder builder = EndpointSpec.builder(raw.name(), mode, format).existing(Boolean.TRUE.equals(raw.existing()))
                .localArtifact(raw.localArtifact());
        if (raw.maxConcurrency() != null) {
            builder.maxConcurrency(raw.maxConcurrency());
        }
        if (raw.maxRequestBatch() != null) {
            builder.maxRequestBatch(raw.maxRequestBatch());
        }
        if (raw.instanceType() != null) {
            builder.instanceType(raw.instanceType());
        }
        if (raw.container() != null) {
            builder.container(new EndpointSpec.Container(raw.container().image(), raw.container().modelData(),
                    raw.container().environment()));
        }
        if (raw.truncate() != null) {
            require(format == EndpointSpec.Format.HF_TEI, where + "endpoint.truncate is the switch of hf-tei "
                    + "(text-embeddings-inference); a " + format.wireName() + " container has none");
            builder.truncate(raw.truncate());
        }
        EndpointSpec e = builder.build();
        // Lambda's SQS event source accepts a maximum concurrency of 2..1000.
        require(e.maxConcurrency() >= 2 && e.maxConcurrency() <= 1000,
                where + "endpoint.maxConcurrency must be 2..1000, got " + e.maxConcurrency());
        require(e.maxRequestBatch() >= 1 && e.maxRequestBatch() <= 1024,
                where + "endpoint.maxRequestBatch must be 1..1024, got " + e.maxRequestBatch());
        // An asynchronous invocation's output is named by SageMaker and announced by one notification: one
        // request per invocation is what lets the completion find its result row.
        // A stream answers one generation, and a container batches generations itself (continuous batching): one
        // request per call, so that no generation waits for another's last token.
        require(!format.generates() || e.maxRequestBatch() == 1,
                where + "endpoint.maxRequestBatch must be 1 for a " + format.wireName() + " endpoint (one generation per call), got "
                        + e.maxRequestBatch());
        require(mode != EndpointSpec.Mode.ASYNC || e.maxRequestBatch() == 1,
                where + "endpoint.maxRequestBatch must be 1 for an async endpoint (one request per invocation), got " + e.maxRequestBatch());
        require(e.container().modelData() == null || e.container().modelData().startsWith("s3://"),
                where + "endpoint.container.modelData must be an s3:// URI, got " + e.container().modelData());
        require(e.existing() || e.container().image() != null || format == EndpointSpec.Format.HF_TEI || format.generates(),
                where + "endpoint.container.image is required to create a " + format.wireName()
                        + " endpoint (or set existing: true to use one created elsewhere)");
        String artifactType = format.generates() ? ".json" : ".onnx";
        require(e.localArtifact() == null || e.localArtifact().endsWith(artifactType),
                where + "endpoint.localArtifact must name " + (format.generates() ? "a text generator's .json" : "an ONNX file")
                        + " for a " + format.wireName() + " endpoint, got " + e.localArtifact());
        return e;
    }

    private static InputLimits limits(RawLimits raw, String where) {
        InputLimits d = InputLimits.DEFAULT;
        if (raw == null) {
            return d;
        }
        InputLimits l = new InputLimits(or(raw.maxInlineInputBytes(), d.maxInlineInputBytes()),
                or(raw.maxInputBytes(), d.maxInputBytes()), or(raw.maxTextChars(), d.maxTextChars()),
                or(raw.maxTensorElements(), d.maxTensorElements()), or(raw.maxNewTokens(), d.maxNewTokens()));
        // An inline input travels inside an EventBridge event, which is capped at 256 KB.
        require(l.maxInlineInputBytes() >= 1 && l.maxInlineInputBytes() <= 200 * 1024,
                where + "limits.maxInlineInputBytes must be 1..204800, got " + l.maxInlineInputBytes());
        require(l.maxInputBytes() >= l.maxInlineInputBytes(), where + "limits.maxInputBytes must be >= maxInlineInputBytes");
        require(l.maxTextChars() >= 1, where + "limits.maxTextChars must be positive");
        require(l.maxTensorElements() >= 1, where + "limits.maxTensorElements must be positive");
        // an InferenceProgress event carries the whole text so far: 8192 words stay far below EventBridge's 256 KB
        require(l.maxNewTokens() >= 1 && l.maxNewTokens() <= MAX_NEW_TOKENS,
                where + "limits.maxNewTokens must be 1.." + MAX_NEW_TOKENS + ", got " + l.maxNewTokens());
        return l;
    }

    /** @param neededSeconds the least timeout the model's work needs (a forwarder's rounds of endpoint calls) */
    private static FunctionSpec function(RawFunction raw, Tier tier, int neededSeconds, String where) {
        FunctionSpec d = FunctionSpec.defaultsFor(tier);
        int defaultTimeout = Math.max(d.timeoutSeconds(), neededSeconds);
        FunctionSpec f = raw == null ? new FunctionSpec(d.memoryMb(), defaultTimeout)
                : new FunctionSpec(or(raw.memoryMb(), d.memoryMb()), or(raw.timeoutSeconds(), defaultTimeout));
        require(f.memoryMb() >= 128 && f.memoryMb() <= 10240, where + "function.memoryMb must be 128..10240, got " + f.memoryMb());
        require(f.timeoutSeconds() >= 1 && f.timeoutSeconds() <= 900, where + "function.timeoutSeconds must be 1..900, got " + f.timeoutSeconds()
                + (neededSeconds > 900 ? " (a batch takes " + neededSeconds + " s of endpoint calls: lower batch.size or raise"
                        + " endpoint.maxRequestBatch or maxConcurrency)" : ""));
        require(f.timeoutSeconds() >= neededSeconds, where + "function.timeoutSeconds " + f.timeoutSeconds() + " is shorter than the "
                + neededSeconds + " s one batch needs: its rounds of endpoint calls, each allowed a whole SageMaker invocation ("
                + TimeBudgets.ENDPOINT_INVOCATION.toSeconds() + " s), and the time to report (" + TimeBudgets.REPORT_RESERVE.toSeconds() + " s)");
        return f;
    }

    private static <T extends Enum<T>> T parseEnum(String where, String key, String value, Class<T> type,
                                                   Function<T, String> wireName) {
        require(value != null, where + "'" + key + "' is required");
        return Arrays.stream(type.getEnumConstants()).filter(c -> wireName.apply(c).equals(value)).findFirst()
                .orElseThrow(() -> new CatalogException(where + "unknown " + key + " '" + value + "' (known: "
                        + Arrays.stream(type.getEnumConstants()).map(wireName).collect(Collectors.joining(", ")) + ")"));
    }

    private static int or(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new CatalogException(message);
        }
    }

    private static String location(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining());
        return path.isEmpty() ? "" : path.substring(path.startsWith(".") ? 1 : 0) + ": ";
    }

    private record RawCatalog(String bus, List<RawModel> models) {
    }

    private record RawModel(String id, String version, String task, String tier, String trigger, String artifact,
                            RawBatch batch, RawEndpoint endpoint, RawLimits limits, RawFunction function, Integer shards,
                            List<RawVersion> versions, RawRollout rollout, RawCache cache) {
    }

    private record RawCache(JsonNode ttlSeconds) {
    }

    private record RawVersion(String version, String artifact, RawEndpoint endpoint) {
    }

    private record RawRollout(java.util.LinkedHashMap<String, Integer> traffic, String shadow, JsonNode shadowPercent) {
    }

    private record RawBatch(Integer size, Integer windowSeconds, Integer maxTensorBatch) {
    }

    private record RawEndpoint(String name, String mode, String format, Integer maxConcurrency, Integer maxRequestBatch,
                               String instanceType, Boolean existing, RawContainer container, String localArtifact,
                               Boolean truncate) {
    }

    private record RawContainer(String image, String modelData, java.util.Map<String, String> environment) {
    }

    private record RawLimits(Integer maxInlineInputBytes, Integer maxInputBytes, Integer maxTextChars,
                             Integer maxTensorElements, Integer maxNewTokens) {
    }

    private record RawFunction(Integer memoryMb, Integer timeoutSeconds) {
    }
}
