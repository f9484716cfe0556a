package dev.inferbus.local.iam.policy;

/**
 * One (action pattern, resource pattern) pair an identity policy's {@code Allow} statement grants, for a
 * least-privilege report. Statements written with {@code NotAction} or {@code NotResource} grant complements that no
 * pair expresses: {@link IamModel#identityPolicies} shows them whole.
 *
 * @param conditional whether the statement has conditions, so the grant holds only for some requests
 */
public record Grant(String action, String resource, boolean conditional, String policy, String statement) {

    /** Whether a call of {@code action} on {@code resourceArn} falls under this grant's patterns (conditions aside). */
    public boolean covers(String action, String resourceArn) {
        return Wildcard.matches(this.action, action, true) && Wildcard.matches(resource, resourceArn, false);
    }
}
