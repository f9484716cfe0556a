package dev.inferbus.local.iam.gateway.sigv4;

/** The outcome of checking a request's SigV4 signature. */
public sealed interface Authentication {

    /** Signed with {@code credential}'s secret for {@code region}, within the allowed clock skew. */
    record Verified(Credential credential, String region) implements Authentication {
    }

    /** Not authenticated, with the message the JSON services give for {@code refusal}. */
    record Refused(Refusal refusal, String message) implements Authentication {
    }
}
