package dev.inferbus.local.iam;

/** Decides access requests: the template's policies in the local cloud, or everything allowed under {@code --no-auth}. */
@FunctionalInterface
public interface Authorizer {

    Decision authorize(AccessRequest request);

    static Authorizer allowAll() {
        return request -> new Decision(Decision.Outcome.ALLOWED, "");
    }
}
