package dev.inferbus.events.cache;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.contract.RequestFingerprint;

/**
 * The result cache table's schema: its key, its TTL attribute and what an entry holds. The CDK table, the
 * functions' cache and the benchmarks take them from here.
 */
public final class CacheTable {

    /** The partition key: {@link #key(String, String, JsonNode)}. */
    public static final String KEY = "cacheKey";
    /** Epoch seconds after which the entry is not reused, and DynamoDB's TTL may delete it. */
    public static final String TTL = "expiresAt";

    static final String OUTPUT = "output";
    static final String MODEL = "model";
    static final String VERSION = "version";
    static final String CREATED_AT = "createdAt";

    /**
     * The key of an input scored by a model's version: model, version and the SHA-256 of the input's canonical
     * JSON (keys sorted, numbers by value — the form {@link RequestFingerprint} hashes), so that the same input
     * however serialized meets its entry, and a version never meets another version's. Neither a model id nor a
     * version holds {@code #} (the catalog's patterns), so the parts cannot run into each other.
     */
    public static String key(String model, String version, JsonNode input) {
        return model + "#" + version + "#" + RequestFingerprint.sha256Hex(RequestFingerprint.canonical(input));
    }

    private CacheTable() {
    }
}
