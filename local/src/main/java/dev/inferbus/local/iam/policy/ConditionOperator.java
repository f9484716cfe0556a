package dev.inferbus.local.iam.policy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * A {@code Condition} operator as IAM spells it: an optional set qualifier ({@code ForAnyValue:}/{@code ForAllValues:}),
 * a comparison, and an optional {@code IfExists} suffix
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
 */
public record ConditionOperator(Qualifier qualifier, Comparison comparison, boolean ifExists) {

    public enum Qualifier {
        NONE(""), FOR_ANY_VALUE("ForAnyValue:"), FOR_ALL_VALUES("ForAllValues:");

        private final String prefix;

        Qualifier(String prefix) {
            this.prefix = prefix;
        }
    }

    /**
     * What a policy value and a request value are compared as. {@link #NULL} compares the policy's {@code true}/
     * {@code false} with whether the key is absent, which {@link Condition} passes as the request value.
     */
    enum Family {
        STRING(String::equals, any -> true),
        STRING_IGNORE_CASE(String::equalsIgnoreCase, any -> true),
        STRING_LIKE((pattern, value) -> Wildcard.matches(pattern, value, false), any -> true),
        ARN(Family::arnMatches, any -> true),
        BOOL(String::equalsIgnoreCase, Family::isBoolean),
        NULL(String::equalsIgnoreCase, Family::isBoolean),
        NUMERIC_EQ(order(c -> c == 0), Family::isNumber),
        NUMERIC_LT(order(c -> c < 0), Family::isNumber),
        NUMERIC_LE(order(c -> c <= 0), Family::isNumber),
        NUMERIC_GT(order(c -> c > 0), Family::isNumber),
        NUMERIC_GE(order(c -> c >= 0), Family::isNumber);

        private final BiPredicate<String, String> matches;
        private final Predicate<String> validPolicyValue;

        Family(BiPredicate<String, String> matches, Predicate<String> validPolicyValue) {
            this.matches = matches;
            this.validPolicyValue = validPolicyValue;
        }

        /** A request value that is not a number matches no numeric policy value. */
        private static BiPredicate<String, String> order(IntPredicate requestVersusPolicy) {
            return (policy, request) -> number(request)
                    .map(value -> requestVersusPolicy.test(value.compareTo(number(policy).orElseThrow())))
                    .orElse(false);
        }

        /** "Each of the six colon-delimited components of the ARN is checked separately" (the operator reference). */
        private static boolean arnMatches(String pattern, String arn) {
            String[] patternParts = pattern.split(":", 6);
            String[] arnParts = arn.split(":", 6);
            if (patternParts.length != 6 || arnParts.length != 6) {
                return false;
            }
            for (int i = 0; i < 6; i++) {
                if (!Wildcard.matches(patternParts[i], arnParts[i], false)) {
                    return false;
                }
            }
            return true;
        }

        private static boolean isBoolean(String value) {
            return value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false");
        }

        private static boolean isNumber(String value) {
            return number(value).isPresent();
        }

        private static Optional<BigDecimal> number(String text) {
            try {
                return Optional.of(new BigDecimal(text.trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    public enum Comparison {
        STRING_EQUALS("StringEquals", Family.STRING, false),
        STRING_NOT_EQUALS("StringNotEquals", Family.STRING, true),
        STRING_EQUALS_IGNORE_CASE("StringEqualsIgnoreCase", Family.STRING_IGNORE_CASE, false),
        STRING_NOT_EQUALS_IGNORE_CASE("StringNotEqualsIgnoreCase", Family.STRING_IGNORE_CASE, true),
        STRING_LIKE("StringLike", Family.STRING_LIKE, false),
        STRING_NOT_LIKE("StringNotLike", Family.STRING_LIKE, true),
        // ArnEquals and ArnLike are the same test: both take wildcards in each of the six parts.
        ARN_EQUALS("ArnEquals", Family.ARN, false),
        ARN_LIKE("ArnLike", Family.ARN, false),
        ARN_NOT_EQUALS("ArnNotEquals", Family.ARN, true),
        ARN_NOT_LIKE("ArnNotLike", Family.ARN, true),
        BOOL("Bool", Family.BOOL, false),
        NUMERIC_EQUALS("NumericEquals", Family.NUMERIC_EQ, false),
        NUMERIC_NOT_EQUALS("NumericNotEquals", Family.NUMERIC_EQ, true),
        NUMERIC_LESS_THAN("NumericLessThan", Family.NUMERIC_LT, false),
        NUMERIC_LESS_THAN_EQUALS("NumericLessThanEquals", Family.NUMERIC_LE, false),
        NUMERIC_GREATER_THAN("NumericGreaterThan", Family.NUMERIC_GT, false),
        NUMERIC_GREATER_THAN_EQUALS("NumericGreaterThanEquals", Family.NUMERIC_GE, false),
        NULL("Null", Family.NULL, false);

        private final String json;
        private final Family family;
        /** The {@code …Not…} forms: they hold when the request value matches none of the policy values. */
        private final boolean negated;

        Comparison(String json, Family family, boolean negated) {
            this.json = json;
            this.family = family;
            this.negated = negated;
        }
    }

    private static final String IF_EXISTS = "IfExists";

    /** Empty for an operator this engine does not evaluate (dates, IP addresses, binary, misspellings). */
    static Optional<ConditionOperator> parse(String text) {
        Qualifier qualifier = Qualifier.NONE;
        for (Qualifier candidate : Qualifier.values()) {
            if (candidate != Qualifier.NONE && text.startsWith(candidate.prefix)) {
                qualifier = candidate;
            }
        }
        String rest = text.substring(qualifier.prefix.length());
        boolean ifExists = rest.endsWith(IF_EXISTS);
        String base = ifExists ? rest.substring(0, rest.length() - IF_EXISTS.length()) : rest;
        for (Comparison comparison : Comparison.values()) {
            if (comparison.json.equals(base)) {
                // Null tests presence itself: it takes neither IfExists nor a set qualifier.
                boolean invalid = comparison == Comparison.NULL && (ifExists || qualifier != Qualifier.NONE);
                return invalid ? Optional.empty() : Optional.of(new ConditionOperator(qualifier, comparison, ifExists));
            }
        }
        return Optional.empty();
    }

    /** Why a policy value cannot be compared by this operator, if it cannot. */
    Optional<String> invalidValue(String policyValue) {
        if (policyValue.contains("${")) {
            return Optional.of("policy variables are not supported (value " + policyValue + ")");
        }
        return comparison.family.validPolicyValue.test(policyValue)
                ? Optional.empty() : Optional.of("value " + policyValue + " is not valid for " + comparison.json);
    }

    /**
     * Whether a key's request value (empty when the request lacks the key) satisfies the policy values. A missing
     * key fails a positive test and passes a negated one, except that {@code …IfExists} passes and {@code Null}
     * tests presence (the operator reference, "Important"); set qualifiers treat the single request value as a
     * one-element set, which an absent key leaves empty: {@code ForAllValues} then holds and {@code ForAnyValue} does
     * not (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
     */
    boolean holds(List<String> policyValues, Optional<String> requestValue) {
        if (comparison == Comparison.NULL) {
            return anyMatches(policyValues, String.valueOf(requestValue.isEmpty()));
        }
        if (requestValue.isEmpty()) {
            return ifExists || switch (qualifier) {
                case NONE -> comparison.negated;
                case FOR_ANY_VALUE -> false;
                case FOR_ALL_VALUES -> true;
            };
        }
        // Policy values are ORed; a negated operator holds when the value matches none of them.
        return anyMatches(policyValues, requestValue.get()) != comparison.negated;
    }

    private boolean anyMatches(List<String> policyValues, String requestValue) {
        return policyValues.stream().anyMatch(policyValue -> comparison.family.matches.test(policyValue, requestValue));
    }

    @Override
    public String toString() {
        return qualifier.prefix + comparison.json + (ifExists ? IF_EXISTS : "");
    }
}
