package dev.inferbus.functions.budget;

import com.amazonaws.services.lambda.runtime.Context;
import java.time.Clock;
import java.time.Duration;

/**
 * When an invocation must be done: Lambda's {@code Context.getRemainingTimeInMillis()} read at its start. Work
 * that could not finish before it is not started; its records go back to their source.
 */
public record Deadline(long atMillis, Clock clock) {

    /** A deadline {@code remainingMillis} from now. */
    public static Deadline after(long remainingMillis, Clock clock) {
        return new Deadline(clock.millis() + remainingMillis, clock);
    }

    /** The deadline of a Lambda invocation: its remaining time, read now. */
    public static Deadline of(Context context) {
        return after(context.getRemainingTimeInMillis(), Clock.systemUTC());
    }

    /** No deadline: for work outside Lambda (a scoring command, a benchmark). */
    public static Deadline none() {
        return new Deadline(Long.MAX_VALUE, Clock.systemUTC());
    }

    public Duration remaining() {
        return Duration.ofMillis(Math.max(0, atMillis - clock.millis()));
    }

    /** Whether at least {@code needed} is left. */
    public boolean leaves(Duration needed) {
        return atMillis - clock.millis() >= needed.toMillis();
    }
}
