package dev.inferbus.local.iam.policy;

/**
 * A statement with a condition the local cloud cannot evaluate: the statement denies every request it otherwise
 * matches, whatever its effect, and start-up lists it so that the denial is no surprise.
 *
 * @param policy the policy's name (see {@link PolicyDocument#name()})
 * @param statement the statement's {@code Sid}, or {@code #n} for the n-th statement
 */
public record Unevaluable(String policy, String statement, String operator, String key, String problem) {

    @Override
    public String toString() {
        return policy + " statement " + statement + ": condition " + operator + " " + key + ": " + problem;
    }
}
