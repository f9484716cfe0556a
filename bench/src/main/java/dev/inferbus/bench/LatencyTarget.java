package dev.inferbus.bench;

import java.util.Locale;

/**
 * Issue 17's put→row p99 targets per route: direct ≤ 300 ms; SQS ≤ its batching window + 1 s; Kinesis ≤ 2 s at
 * 100 events/s (on 2 cores). A target is only ever evaluated, never adjusted to the figures.
 *
 * @param limitMs  the p99 the route may reach
 * @param onlyAtRate the one rate the target is stated for, or 0 for every rate
 */
record LatencyTarget(String target, double limitMs, int onlyAtRate) {

    /** Met or missed, with the figures that decided it. */
    record Verdict(boolean met, String evidence) {
    }

    static LatencyTarget direct() {
        return new LatencyTarget("p99 ≤ 300 ms", 300, 0);
    }

    /** @param windowSeconds the event source mapping's MaximumBatchingWindowInSeconds, as deployed */
    static LatencyTarget sqs(int windowSeconds) {
        double limit = (windowSeconds + 1) * 1000.0;
        return new LatencyTarget(String.format(Locale.ROOT, "p99 ≤ %d s window + 1 s = %.0f ms", windowSeconds, limit), limit, 0);
    }

    static LatencyTarget kinesis() {
        return new LatencyTarget("p99 ≤ 2000 ms at 100 events/s", 2000, 100);
    }

    boolean appliesAt(int rate) {
        return onlyAtRate == 0 || onlyAtRate == rate;
    }

    Verdict evaluate(int rate, double p99Ms) {
        return evaluate(rate, p99Ms, 0);
    }

    /** An event with no row by the end of the wait has no latency to rank, so the run misses outright. */
    Verdict evaluate(int rate, double p99Ms, int unanswered) {
        if (unanswered > 0) {
            return new Verdict(false, String.format(Locale.ROOT, "%d events unanswered at %d events/s (p99 of the answered %.0f ms, limit %.0f ms)",
                    unanswered, rate, p99Ms, limitMs));
        }
        boolean met = p99Ms <= limitMs;
        return new Verdict(met, String.format(Locale.ROOT, "p99 %.0f ms %s %.0f ms at %d events/s", p99Ms, met ? "≤" : ">", limitMs, rate));
    }
}
