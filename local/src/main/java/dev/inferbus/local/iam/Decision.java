package dev.inferbus.local.iam;

/**
 * The answer to an {@link AccessRequest}, with the clause AWS's denial messages end with
 * ({@code "because no identity-based policy allows the dynamodb:PutItem action"}).
 */
public record Decision(Outcome outcome, String reason) {

    public enum Outcome { ALLOWED, EXPLICIT_DENY, IMPLICIT_DENY }

    public boolean allowed() {
        return outcome == Outcome.ALLOWED;
    }

    /** AWS's message: {@code User: <session arn> is not authorized to perform: <action> on resource: <arn> because …}. */
    public String message(AccessRequest request) {
        return "User: " + request.principal().sessionArn() + " is not authorized to perform: " + request.action()
                + " on resource: " + request.resource() + (reason == null || reason.isEmpty() ? "" : " " + reason);
    }
}
