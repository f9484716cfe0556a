package dev.inferbus.local.iam.gateway.services;

import dev.inferbus.local.relay.ProxiedRequest;
import java.util.List;

/**
 * Tells what a service's request asks: one or more {@link ServiceCall}s. A classifier belongs to one gateway; the
 * Kinesis one remembers which stream each shard iterator it saw handed out reads.
 */
public interface Classifier {

    List<ServiceCall> classify(ProxiedRequest request) throws CallRefused;

    /** Whether the service's successful answer to {@code request} must be shown to {@link #learn} before it is relayed. */
    default boolean learnsFrom(ProxiedRequest request) {
        return false;
    }

    /** Reads a successful answer to a request {@link #learnsFrom} chose. */
    default void learn(ProxiedRequest request, String contentType, byte[] answer) {
    }
}
