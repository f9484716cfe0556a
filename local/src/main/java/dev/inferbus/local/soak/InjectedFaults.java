package dev.inferbus.local.soak;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Faults in the functions' own DynamoDB writes: a share of result writes fails before it reaches the table (a
 * 500), and a share fails after the item was written (the answer lost on the way back) — the ambiguous case
 * where a retry finds its own row.
 */
public final class InjectedFaults implements ExecutionInterceptor {

    private final double before;
    private final double after;
    private final SplittableRandom random = new SplittableRandom(2026);
    final AtomicLong failedBefore = new AtomicLong();
    final AtomicLong failedAfter = new AtomicLong();

    InjectedFaults(double before, double after) {
        this.before = before;
        this.after = after;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof PutItemRequest && roll() < before) {
            failedBefore.incrementAndGet();
            throw DynamoDbException.builder().statusCode(500).message("injected: internal server error before the write").build();
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof PutItemRequest && context.httpResponse().isSuccessful() && roll() < after) {
            failedAfter.incrementAndGet();
            throw DynamoDbException.builder().statusCode(500).message("injected: the write's answer was lost").build();
        }
    }

    private double roll() {
        synchronized (random) {
            return random.nextDouble();
        }
    }
}
