package dev.inferbus.local.sagemaker;

/**
 * Fault injection for the local endpoint: each call waits {@code latencyMillis}, then is throttled, fails with a
 * 5xx, or gets an unreadable body with the given probabilities (0..1).
 */
public record Faults(long latencyMillis, double throttleRate, double errorRate, double malformedRate) {

    public static final Faults NONE = new Faults(0, 0, 0, 0);

    public Faults {
        for (double rate : new double[] {throttleRate, errorRate, malformedRate}) {
            if (rate < 0 || rate > 1) {
                throw new IllegalArgumentException("a fault rate is a probability 0..1, got " + rate);
            }
        }
        if (throttleRate + errorRate + malformedRate > 1) {
            throw new IllegalArgumentException("fault rates add up to more than 1");
        }
        if (latencyMillis < 0) {
            throw new IllegalArgumentException("latencyMillis must be >= 0, got " + latencyMillis);
        }
    }
}
