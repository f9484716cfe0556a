package dev.inferbus.events.catalog;

import java.time.Duration;

/**
 * A model's result cache: an identical request (model, version, canonical input) within {@code ttl} of a stored
 * result reuses its output instead of running the model.
 *
 * @param ttl how long a stored output may be reused
 */
public record CacheSpec(Duration ttl) {

    public CacheSpec {
        if (ttl == null || ttl.toSeconds() < 1) {
            throw new IllegalArgumentException("a cache keeps its outputs at least a second, got " + ttl);
        }
    }
}
