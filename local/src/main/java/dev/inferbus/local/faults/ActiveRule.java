package dev.inferbus.local.faults;

import java.util.SplittableRandom;

/**
 * A rule installed in a proxy, with its mutable part: the seeded random and the counters. One lock per rule keeps
 * "draw, compare with maxCount, count" atomic, so maxCount holds exactly under concurrent requests.
 */
final class ActiveRule {

    private final FaultRule rule;
    private final SplittableRandom random;
    private long matched;
    private long injected;

    ActiveRule(FaultRule rule) {
        this.rule = rule;
        this.random = new SplittableRandom(rule.seed());
    }

    FaultRule rule() {
        return rule;
    }

    /** Called for a request that matched: whether to answer it with the error. */
    synchronized boolean strikes() {
        matched++;
        if (injected >= rule.maxCount()) {
            return false;
        }
        // a certain rule draws nothing; an uncertain one draws once per match it could still fail
        boolean strike = rule.probability() >= 1 || random.nextDouble() < rule.probability();
        if (strike) {
            injected++;
        }
        return strike;
    }

    synchronized FaultCounts counts() {
        return new FaultCounts(matched, injected);
    }
}
