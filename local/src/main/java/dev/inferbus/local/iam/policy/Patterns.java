package dev.inferbus.local.iam.policy;

import java.util.List;

/**
 * An {@code Action}/{@code NotAction} or {@code Resource}/{@code NotResource} element: its wildcard patterns and whether
 * it is the {@code Not…} form, which matches everything its patterns do not
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html).
 */
public record Patterns(List<String> values, boolean negated) {

    public Patterns {
        values = List.copyOf(values);
    }

    /** Actions are case-insensitive ({@code S3:getobject} is {@code s3:GetObject}); resources are not. */
    boolean matches(String value, boolean ignoreCase) {
        boolean any = values.stream().anyMatch(pattern -> Wildcard.matches(pattern, value, ignoreCase));
        return any != negated;
    }
}
