package dev.inferbus.functions.config;

import dev.inferbus.events.contract.EventCodec;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A function's configuration, from its environment variables only. Missing required variables fail the init
 * with a message naming each of them.
 *
 * @param models {@code INFERBUS_MODELS}: the catalog ids this function serves
 * @param catalog {@code INFERBUS_CATALOG}: the catalog, as a file path, {@code classpath:} or {@code s3://} URI
 * @param modelRoot {@code INFERBUS_MODEL_ROOT}: where model artifacts live ({@code classpath:}, a folder, or
 *                  {@code s3://bucket/prefix})
 * @param claimCheckPrefix {@code INFERBUS_CLAIM_CHECK_PREFIX}: the only keys of the bucket an {@code inputRef} may
 *                         name (default {@code in/})
 * @param endpoints {@code INFERBUS_ENDPOINT_<SERVICE>}: endpoint overrides (dynamodb, s3, events, sagemaker) for a
 *                  local cloud
 * @param cacheTable {@code INFERBUS_CACHE_TABLE}: the result cache's table, set on a function serving a model with
 *                   a cache; null for none
 */
public record FunctionConfig(
        List<String> models,
        String catalog,
        String modelRoot,
        String table,
        String bus,
        String bucket,
        String claimCheckPrefix,
        int resultTtlDays,
        String region,
        Map<String, URI> endpoints,
        String cacheTable) {

    public static final String MODELS = "INFERBUS_MODELS";
    public static final String CATALOG = "INFERBUS_CATALOG";
    public static final String MODEL_ROOT = "INFERBUS_MODEL_ROOT";
    public static final String TABLE = "INFERBUS_TABLE";
    public static final String BUS = "INFERBUS_BUS";
    public static final String BUCKET = "INFERBUS_BUCKET";
    public static final String TTL_DAYS = "INFERBUS_RESULT_TTL_DAYS";
    public static final String CLAIM_CHECK_PREFIX = "INFERBUS_CLAIM_CHECK_PREFIX";
    public static final String ENDPOINT_PREFIX = "INFERBUS_ENDPOINT_";
    public static final String CACHE_TABLE = "INFERBUS_CACHE_TABLE";

    public FunctionConfig {
        models = List.copyOf(models);
        endpoints = Map.copyOf(endpoints);
    }

    public static FunctionConfig fromEnvironment() {
        return from(System.getenv());
    }

    public static FunctionConfig from(Map<String, String> env) {
        List<String> missing = Arrays.stream(new String[] {MODELS, CATALOG, TABLE, BUS, BUCKET})
                .filter(name -> env.get(name) == null || env.get(name).isBlank())
                .toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("missing environment variable(s) " + missing
                    + ": set them on the function (the CDK app does; locally the local cloud does)");
        }
        int ttl;
        try {
            ttl = Integer.parseInt(env.getOrDefault(TTL_DAYS, "30"));
        } catch (NumberFormatException e) {
            throw new IllegalStateException(TTL_DAYS + " must be a whole number of days, got " + env.get(TTL_DAYS));
        }
        if (ttl < 1) {
            throw new IllegalStateException(TTL_DAYS + " must be at least 1, got " + ttl);
        }
        Map<String, URI> endpoints = new java.util.HashMap<>();
        for (String service : List.of("dynamodb", "s3", "events", "sagemaker")) {
            String value = env.get(ENDPOINT_PREFIX + service.toUpperCase());
            if (value != null && !value.isBlank()) {
                endpoints.put(service, URI.create(value));
            }
        }
        return new FunctionConfig(
                Arrays.stream(env.get(MODELS).split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList(),
                env.get(CATALOG),
                env.getOrDefault(MODEL_ROOT, "classpath:"),
                env.get(TABLE),
                env.get(BUS),
                env.get(BUCKET),
                env.getOrDefault(CLAIM_CHECK_PREFIX, EventCodec.DEFAULT_CLAIM_CHECK_PREFIX),
                ttl,
                env.getOrDefault("AWS_REGION", "us-east-1"),
                endpoints,
                env.get(CACHE_TABLE) == null || env.get(CACHE_TABLE).isBlank() ? null : env.get(CACHE_TABLE));
    }

    public Optional<URI> endpoint(String service) {
        return Optional.ofNullable(endpoints.get(service));
    }
}
