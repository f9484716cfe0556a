package dev.inferbus.local.iam.policy;

import java.util.List;
import java.util.Optional;

/**
 * One statement of a {@link PolicyDocument}.
 *
 * @param sid the {@code Sid}, empty when the statement has none
 * @param position the statement's 1-based place in its document, which names it when it has no {@code Sid}
 * @param principals the {@code Principal}/{@code NotPrincipal} of a resource policy; empty in identity policies
 */
public record Statement(String sid, int position, Effect effect, Patterns actions, Patterns resources,
        Optional<Principals> principals, List<Condition> conditions) {

    public Statement {
        conditions = List.copyOf(conditions);
    }

    /** How start-up listings and denial reasons name the statement. */
    public String label() {
        return sid.isEmpty() ? "#" + position : sid;
    }

    boolean covers(String action, String resource) {
        return actions.matches(action, true) && resources.matches(resource, false);
    }

    /** The first condition this request leaves unevaluable, if any. */
    Optional<Condition> unevaluable(ConditionContext context) {
        return conditions.stream().filter(c -> c.test(context) == Condition.Verdict.UNEVALUABLE).findFirst();
    }

    /** Whether every condition holds; call after {@link #unevaluable} found none. */
    boolean conditionsHold(ConditionContext context) {
        return conditions.stream().allMatch(c -> c.test(context) == Condition.Verdict.HOLDS);
    }
}
