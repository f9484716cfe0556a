package dev.inferbus.local.faults;

/**
 * What one rule has seen: {@code matched} requests passed its predicate (while it was consulted), and
 * {@code injected} of them were answered with its error.
 */
public record FaultCounts(long matched, long injected) {
}
