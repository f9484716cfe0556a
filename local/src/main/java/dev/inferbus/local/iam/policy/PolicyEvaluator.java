package dev.inferbus.local.iam.policy;

import dev.inferbus.local.iam.AccessRequest;
import dev.inferbus.local.iam.Decision;
import dev.inferbus.local.iam.Principal;
import dev.inferbus.local.iam.policy.Principals.Reach;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Same-account evaluation of one request against the caller's identity policies and the target's resource policies
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html):
 * an applicable explicit {@code Deny} anywhere wins; else an identity policy's {@code Allow}, or a resource policy's
 * {@code Allow} naming the caller itself, allows; else the request is implicitly denied. A KMS key is stricter: its
 * key policy must allow, either naming the caller or naming the account (which lets IAM policies grant), and in the
 * latter case an identity policy must allow too
 * (https://docs.aws.amazon.com/kms/latest/developerguide/determining-access-key-policy.html).
 *
 * <p>Reasons are worded as AWS's access-denied messages word them
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
 */
final class PolicyEvaluator {

    private enum PolicyType {
        IDENTITY("identity-based", "an"), RESOURCE("resource-based", "a");

        private final String words;
        private final String article;

        PolicyType(String words, String article) {
            this.words = words;
            this.article = article;
        }
    }

    /** What one kind of policy says: its first applicable denial, else the widest reach of its applicable allows. */
    private record Verdict(Optional<Decision> denial, Reach allow) {
    }

    private PolicyEvaluator() {
    }

    /**
     * @param keyPolicyRequired whether the resource is a KMS key, whose {@code resourcePolicies} (its key policy) must
     *     allow
     */
    static Decision evaluate(AccessRequest request, List<PolicyDocument> identityPolicies,
            List<PolicyDocument> resourcePolicies, boolean keyPolicyRequired) {
        ConditionContext context = ConditionContext.of(request);
        Principal caller = request.principal();
        // An identity policy's statements are about its holder: they reach the caller by being attached to it.
        Verdict identity = verdict(request, context, identityPolicies, PolicyType.IDENTITY, statement -> Reach.DIRECT);
        Verdict resource = verdict(request, context, resourcePolicies, PolicyType.RESOURCE,
                statement -> statement.principals().map(p -> p.reach(caller)).orElse(Reach.NONE));
        Optional<Decision> denial = identity.denial().or(resource::denial);
        if (denial.isPresent()) {
            return denial.get();
        }
        boolean identityAllows = identity.allow() != Reach.NONE;
        if (keyPolicyRequired) {
            if (resource.allow() == Reach.DIRECT || resource.allow() == Reach.ACCOUNT && identityAllows) {
                return allowed();
            }
            return implicitDeny(request, resource.allow() == Reach.NONE ? PolicyType.RESOURCE : PolicyType.IDENTITY);
        }
        if (identityAllows || resource.allow() == Reach.DIRECT) {
            return allowed();
        }
        // A service has no identity policies: only a resource policy could have let it in.
        return implicitDeny(request, caller.kind() == Principal.Kind.SERVICE ? PolicyType.RESOURCE : PolicyType.IDENTITY);
    }

    private static Verdict verdict(AccessRequest request, ConditionContext context, List<PolicyDocument> policies,
            PolicyType type, Function<Statement, Reach> reachOf) {
        Reach allow = Reach.NONE;
        for (PolicyDocument policy : policies) {
            for (Statement statement : policy.statements()) {
                Reach reach = reachOf.apply(statement);
                if (reach == Reach.NONE || !statement.covers(request.action(), request.resource())) {
                    continue;
                }
                Optional<Condition> unevaluable = statement.unevaluable(context);
                if (unevaluable.isPresent()) {
                    // Fail closed, whatever the statement's effect: the local cloud must not guess at a condition.
                    Condition condition = unevaluable.get();
                    return new Verdict(Optional.of(explicitDeny(type, " (" + policy.name() + " statement "
                            + statement.label() + ": cannot evaluate condition " + condition.operator() + " "
                            + condition.key() + ": " + condition.problem().orElseThrow() + ")")), allow);
                }
                if (!statement.conditionsHold(context)) {
                    continue;
                }
                if (statement.effect() == Effect.DENY) {
                    return new Verdict(Optional.of(explicitDeny(type, "")), allow);
                }
                if (reach.compareTo(allow) > 0) {
                    allow = reach;
                }
            }
        }
        return new Verdict(Optional.empty(), allow);
    }

    private static Decision allowed() {
        return new Decision(Decision.Outcome.ALLOWED, "");
    }

    private static Decision explicitDeny(PolicyType type, String detail) {
        return new Decision(Decision.Outcome.EXPLICIT_DENY, "with an explicit deny in " + type.article + " " + type.words + " policy" + detail);
    }

    private static Decision implicitDeny(AccessRequest request, PolicyType type) {
        return new Decision(Decision.Outcome.IMPLICIT_DENY,
                "because no " + type.words + " policy allows the " + request.action() + " action");
    }
}
