package dev.inferbus.local.sagemaker;

/**
 * What one local endpoint saw.
 *
 * @param calls invocations received (real-time and asynchronous), faulted ones included
 * @param inputs texts received in those calls
 * @param maxInFlight the most invocations it was ever running at once
 * @param throttled calls answered with a throttling error
 * @param failed calls answered with a 5xx
 */
public record EndpointStats(long calls, long inputs, int maxInFlight, long throttled, long failed) {
}
