package dev.inferbus.local.iam.policy;

import java.util.List;
import java.util.Optional;

/**
 * One operator/key pair of a statement's {@code Condition} block with its policy values. A statement holds when all
 * its conditions do (operators and keys are ANDed, a key's values ORed). A condition this engine cannot evaluate is
 * {@link Unsupported}; one on a key the local cloud does not know is evaluable only for a request that carries it.
 */
public sealed interface Condition {

    String operator();

    String key();

    /** How a condition bears on one request. */
    enum Verdict { HOLDS, FAILS, UNEVALUABLE }

    Verdict test(ConditionContext context);

    /** Why this condition may never be evaluated here; empty when it always can be. Start-up lists these. */
    Optional<String> problem();

    static Condition of(String operator, String key, List<String> values) {
        Optional<ConditionOperator> parsed = ConditionOperator.parse(operator);
        if (parsed.isEmpty()) {
            return new Unsupported(operator, key, "operator " + operator + " is not supported");
        }
        for (String value : values) {
            Optional<String> invalid = parsed.get().invalidValue(value);
            if (invalid.isPresent()) {
                return new Unsupported(operator, key, invalid.get());
            }
        }
        return new Test(parsed.get(), key, values);
    }

    record Test(ConditionOperator parsed, String key, List<String> values) implements Condition {

        public Test {
            values = List.copyOf(values);
        }

        @Override
        public String operator() {
            return parsed.toString();
        }

        @Override
        public Verdict test(ConditionContext context) {
            Optional<String> value = context.value(key);
            if (value.isEmpty() && !ConditionContext.isKnown(key)) {
                return Verdict.UNEVALUABLE;
            }
            return parsed.holds(values, value) ? Verdict.HOLDS : Verdict.FAILS;
        }

        @Override
        public Optional<String> problem() {
            return ConditionContext.isKnown(key) ? Optional.empty()
                    : Optional.of("condition key " + key + " is not one the local cloud supplies");
        }
    }

    record Unsupported(String operator, String key, String why) implements Condition {

        @Override
        public Verdict test(ConditionContext context) {
            return Verdict.UNEVALUABLE;
        }

        @Override
        public Optional<String> problem() {
            return Optional.of(why);
        }
    }
}
