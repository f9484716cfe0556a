package dev.inferbus.events.timing;

import java.time.Duration;

/**
 * Every timeout of a function's work, as one set whose invariants {@code TimeBudgetsTest} holds: a call cannot
 * outlast the lease it runs under, and a function stops starting work that its remaining time cannot finish.
 */
public final class TimeBudgets {

    /**
     * How long a result row's publisher holds its event before another delivery may take over. A write, the
     * duplicate checks beside it and one whole publish call must fit in it, so that a lease never ends while its
     * holder may still be publishing.
     */
    public static final Duration PUBLISH_LEASE = Duration.ofSeconds(15);

    /** A DynamoDB or EventBridge call, the SDK's own retries included ({@code apiCallTimeout}). */
    public static final Duration AWS_CALL = Duration.ofSeconds(3);
    /** One attempt of such a call ({@code apiCallAttemptTimeout}): three fit in a call. */
    public static final Duration AWS_ATTEMPT = Duration.ofMillis(1000);
    /**
     * One PutEvents attempt: the whole call. PutEvents is not idempotent: an attempt abandoned at its timeout may have
     * put its events already, and the SDK's next attempt puts them again (EventBridge has no idempotency token). So a
     * slow attempt is waited for; only attempts refused quickly (throttling, 5xx: nothing was put) are retried.
     */
    public static final Duration PUT_EVENTS_ATTEMPT = AWS_CALL;

    /** An S3 call: a claim check's or a large output's bytes (up to a model's {@code maxInputBytes}). */
    public static final Duration S3_CALL = Duration.ofSeconds(10);
    public static final Duration S3_ATTEMPT = Duration.ofSeconds(5);

    /**
     * A model artifact's download at init: a request's S3 budget is far too short for a model file (the fp32
     * sentence-embedder is 86 MiB, and timed out at 10 s in the local cloud while six functions started on two
     * cores). It happens once per environment, in the Init phase, which SnapStart runs when a version is published
     * and allows far longer than an invocation ("Lambda execution environment lifecycle",
     * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html).
     */
    public static final Duration ARTIFACT_DOWNLOAD = Duration.ofMinutes(5);

    /**
     * A SageMaker real-time invocation: "the model containers must respond to requests within 60 seconds"
     * (Amazon SageMaker developer guide, "How containers serve requests", docs.aws.amazon.com/sagemaker/latest/dg/
     * your-algorithms-inference-code.html).
     */
    public static final Duration ENDPOINT_INVOCATION = Duration.ofSeconds(60);

    /**
     * What an invocation keeps for ending its records once scoring is done: the writes, the duplicate checks and
     * one publish call. Work that would leave less is not started; its records go back to their source.
     */
    public static final Duration REPORT_RESERVE = AWS_CALL.multipliedBy(3);

    /** How long before its lease ends a publisher stops starting PutEvents calls: one call must still fit. */
    public static final Duration PUBLISH_MARGIN = AWS_CALL;

    private TimeBudgets() {
    }

    /**
     * The shortest timeout a gpu forwarding function needs: every round of endpoint calls its batch takes, each up
     * to a whole invocation, and the report reserve after them.
     *
     * @param rounds how many waves of calls one batch needs ({@code ceil(calls / calls in flight)})
     */
    public static Duration forwarderTimeout(int rounds) {
        return ENDPOINT_INVOCATION.multipliedBy(rounds).plus(REPORT_RESERVE);
    }
}
