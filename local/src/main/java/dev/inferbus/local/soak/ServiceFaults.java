package dev.inferbus.local.soak;

import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.faults.FaultRule;

/**
 * The soak's faults in the functions' DynamoDB writes, injected at the service (the functions are processes of
 * their own): a share of result writes fails before it reaches the table (a 500), and a share fails after the item
 * was written (the answer lost on the way back) — the ambiguous case where a retry finds its own row. The SDK in
 * the function retries a 500 by itself, as it would against AWS.
 */
final class ServiceFaults {

    private static final String BEFORE = "soak-putitem-before";
    private static final String AFTER = "soak-putitem-after";

    private final LocalCloud cloud;
    private final java.util.Map<String, Long> finalCounts = new java.util.HashMap<>();

    private ServiceFaults(LocalCloud cloud) {
        this.cloud = cloud;
    }

    static ServiceFaults on(LocalCloud cloud, Soak.FaultRates rates) {
        if (rates.dynamoBefore() > 0) {
            cloud.dynamoDbFaults().addRule(FaultRule.dynamoDbInternalServerError().name(BEFORE).operation("PutItem").before()
                    .probability(rates.dynamoBefore()).seed(2026).build());
        }
        if (rates.dynamoAfter() > 0) {
            cloud.dynamoDbFaults().addRule(FaultRule.dynamoDbInternalServerError().name(AFTER).operation("PutItem").after()
                    .probability(rates.dynamoAfter()).seed(2027).build());
        }
        return new ServiceFaults(cloud);
    }

    long failedBefore() {
        return injected(BEFORE);
    }

    long failedAfter() {
        return injected(AFTER);
    }

    private long injected(String rule) {
        if (finalCounts.containsKey(rule)) {
            return finalCounts.get(rule);
        }
        return cloud.dynamoDbFaults().counts().containsKey(rule) ? cloud.dynamoDbFaults().counts(rule).injected() : 0;
    }

    /** Faults off; the counts so far stay readable. */
    void clear() {
        for (String rule : new String[] {BEFORE, AFTER}) {
            finalCounts.put(rule, injected(rule));
            cloud.dynamoDbFaults().removeRule(rule);
        }
    }
}
