package dev.inferbus.events.catalog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a model's traffic is split over its versions: weights in percent (a canary is a small weight) and at most
 * one shadow version, which scores the same inputs without serving them.
 *
 * <p>A request without an explicit version goes to the version its sticky key (the {@code partitionKey}, else the
 * {@code requestId}) hashes to, so a key always meets the same version while the weights stay put. The hash is
 * SHA-256, not {@code String.hashCode}: it must give the same answer in every function, JVM and language that
 * reads the catalog, and spread keys that differ in one character.
 *
 * <p>A shadow doubles its route's compute when it scores every request, so it may score a sample: the requests
 * whose sticky key falls in the first {@code shadowPercent} percent of buckets of a second hash (the key salted),
 * as a SageMaker shadow variant samples a percentage. A key is then shadowed always or never, so retries and
 * repeats agree; the second hash keeps the sample independent of the traffic split, so a canary's requests are
 * shadowed in its share and not never.
 *
 * @param traffic percent per version, in catalog order; they sum to 100
 * @param shadow the shadow version, or null
 * @param shadowPercent percent of requests the shadow scores, 1..100 (100 without a shadow, where it means nothing)
 */
public record Rollout(Map<String, Integer> traffic, String shadow, int shadowPercent) {

    /** Buckets a key falls into: weights are percent, so 10,000 buckets split them exactly to 0.01 %. */
    static final int BUCKETS = 10_000;
    /** Prefixed to a key for the shadow's sample: a NUL cannot start a partition key or request id of the contract. */
    private static final String SHADOW_SALT = "\u0000shadow:";

    public Rollout {
        traffic = Collections.unmodifiableMap(new LinkedHashMap<>(traffic));
        if (shadowPercent < 1 || shadowPercent > 100) {
            throw new IllegalArgumentException("shadowPercent must be 1..100, got " + shadowPercent);
        }
    }

    /** A shadow, if any, on every request. */
    public Rollout(Map<String, Integer> traffic, String shadow) {
        this(traffic, shadow, 100);
    }

    /** Everything to one version. */
    public static Rollout single(String version) {
        return new Rollout(Map.of(version, 100), null);
    }

    /** The version with the most traffic (the first of equals): what serves a request that names none by default. */
    public String live() {
        String best = null;
        int weight = -1;
        for (Map.Entry<String, Integer> e : traffic.entrySet()) {
            if (e.getValue() > weight) {
                best = e.getKey();
                weight = e.getValue();
            }
        }
        return best;
    }

    /** The version a request with this sticky key is served by. */
    public String choose(String stickyKey) {
        int bucket = bucket(stickyKey);
        int upTo = 0;
        String last = null;
        for (Map.Entry<String, Integer> e : traffic.entrySet()) {
            upTo += e.getValue() * (BUCKETS / 100);
            last = e.getKey();
            if (e.getValue() > 0 && bucket < upTo) {
                return e.getKey();
            }
        }
        return last;
    }

    /** Whether a request with this sticky key is also scored by the shadow. */
    public boolean shadows(String stickyKey) {
        if (shadow == null) {
            return false;
        }
        return shadowPercent == 100 || bucket(SHADOW_SALT + stickyKey) < shadowPercent * (BUCKETS / 100);
    }

    /** Whether some traffic goes to a version other than the live one (a canary). */
    public boolean isSplit() {
        return traffic.values().stream().filter(w -> w > 0).count() > 1;
    }

    static int bucket(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            long head = 0;
            for (int i = 0; i < 8; i++) {
                head = (head << 8) | (digest[i] & 0xff);
            }
            return (int) Long.remainderUnsigned(head, BUCKETS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
