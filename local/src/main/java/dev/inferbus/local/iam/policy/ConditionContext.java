package dev.inferbus.local.iam.policy;

import dev.inferbus.local.iam.AccessRequest;
import dev.inferbus.local.iam.Principal;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The condition keys of one request, looked up case-insensitively as IAM does ("Condition key names are not
 * case-sensitive", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html).
 * The principal keys come from the caller; the rest from {@link AccessRequest#context()}, which wins.
 */
final class ConditionContext {

    /**
     * The keys the local cloud supplies when they apply to a request. A policy condition on any other key can only be
     * evaluated when the request happens to carry it; otherwise its statement denies (see {@link Condition}).
     */
    static final Set<String> KNOWN_KEYS = Set.of(
            "aws:SecureTransport", "aws:SourceArn", "aws:SourceAccount", "aws:PrincipalArn", "aws:PrincipalAccount",
            "aws:PrincipalServiceName", "cloudwatch:namespace", "kms:ViaService", "kms:CallerAccount");

    private static final Set<String> KNOWN = KNOWN_KEYS.stream().map(ConditionContext::normalize)
            .collect(Collectors.toUnmodifiableSet());

    private final Map<String, String> values;

    private ConditionContext(Map<String, String> values) {
        this.values = values;
    }

    static ConditionContext of(AccessRequest request) {
        Map<String, String> values = new HashMap<>();
        Principal principal = request.principal();
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html: a role session's
        // aws:PrincipalArn is the role's ARN; a service caller has aws:PrincipalServiceName instead.
        if (principal.kind() == Principal.Kind.SERVICE) {
            values.put(normalize("aws:PrincipalServiceName"), principal.arn());
        } else {
            values.put(normalize("aws:PrincipalArn"), principal.arn());
            values.put(normalize("aws:PrincipalAccount"), principal.account());
            if (request.action().regionMatches(true, 0, "kms:", 0, 4)) {
                values.put(normalize("kms:CallerAccount"), principal.account());
            }
        }
        request.context().forEach((key, value) -> values.put(normalize(key), value));
        return new ConditionContext(values);
    }

    Optional<String> value(String key) {
        return Optional.ofNullable(values.get(normalize(key)));
    }

    static boolean isKnown(String key) {
        return KNOWN.contains(normalize(key));
    }

    private static String normalize(String key) {
        return key.toLowerCase(Locale.ROOT);
    }
}
