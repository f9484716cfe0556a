package dev.inferbus.local.faults;

import dev.inferbus.local.relay.ProxiedRequest;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One fault: which requests it applies to ({@code match}), where it strikes ({@code placement}), how often
 * ({@code probability}, drawn from a {@link java.util.SplittableRandom} seeded with {@code seed}, so a run is
 * repeatable given the same order of requests), at most how many times ({@code maxCount}, e.g. 1 to fail only the
 * first match), and what the service answers ({@code reply}). Immutable; the proxy keeps the counters.
 *
 * <p>Build one with {@link #builder(String)}, or start from a service error:
 * {@code FaultRule.dynamoDbInternalServerError().name("put-500").when(r -> r.operation().equals("PutItem")).maxCount(1).build()}.
 */
public record FaultRule(String name, Predicate<ProxiedRequest> match, Placement placement, double probability, long seed,
                        long maxCount, FaultReply reply) {

    public static final long UNLIMITED = Long.MAX_VALUE;

    public FaultRule {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a fault rule needs a name");
        }
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(reply, "reply");
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability must be within [0, 1]: " + probability);
        }
        if (maxCount < 0) {
            throw new IllegalArgumentException("maxCount must not be negative: " + maxCount);
        }
    }

    /** A rule that, until told otherwise, matches every request, strikes BEFORE, always, without limit. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** DynamoDB's HTTP 500 {@code InternalServerError} ({@link AwsErrors#dynamoDbInternalServerError()}). */
    public static Builder dynamoDbInternalServerError() {
        return builder("dynamodb-InternalServerError").reply(AwsErrors.dynamoDbInternalServerError());
    }

    /** DynamoDB's HTTP 400 {@code ProvisionedThroughputExceededException} ({@link AwsErrors#dynamoDbThrottling()}). */
    public static Builder dynamoDbThrottling() {
        return builder("dynamodb-ProvisionedThroughputExceededException").reply(AwsErrors.dynamoDbThrottling());
    }

    /** S3's HTTP 503 {@code SlowDown} ({@link AwsErrors#s3ServiceUnavailable()}). */
    public static Builder s3ServiceUnavailable() {
        return builder("s3-SlowDown").reply(AwsErrors.s3ServiceUnavailable());
    }

    /** S3's HTTP 403 {@code AccessDenied} ({@link AwsErrors#s3AccessDenied()}). */
    public static Builder s3AccessDenied() {
        return builder("s3-AccessDenied").reply(AwsErrors.s3AccessDenied());
    }

    public static final class Builder {

        private String name;
        private Predicate<ProxiedRequest> match = request -> true;
        private Placement placement = Placement.BEFORE;
        private double probability = 1;
        private long seed = 1;
        private long maxCount = UNLIMITED;
        private FaultReply reply;

        private Builder(String name) {
            this.name = name;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Which requests the rule applies to; predicates combine with {@link Predicate#and}. */
        public Builder when(Predicate<ProxiedRequest> match) {
            this.match = match;
            return this;
        }

        /** Shorthand for {@code when(r -> r.operation().equals(operation))}, for JSON-protocol services. */
        public Builder operation(String operation) {
            return when(request -> request.operation().equals(operation));
        }

        public Builder placement(Placement placement) {
            this.placement = placement;
            return this;
        }

        public Builder before() {
            return placement(Placement.BEFORE);
        }

        public Builder after() {
            return placement(Placement.AFTER);
        }

        public Builder probability(double probability) {
            this.probability = probability;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder maxCount(long maxCount) {
            this.maxCount = maxCount;
            return this;
        }

        public Builder reply(FaultReply reply) {
            this.reply = reply;
            return this;
        }

        public FaultRule build() {
            return new FaultRule(name, match, placement, probability, seed, maxCount, reply);
        }
    }
}
