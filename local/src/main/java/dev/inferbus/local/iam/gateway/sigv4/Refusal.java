package dev.inferbus.local.iam.gateway.sigv4;

/**
 * Why a request was not authenticated. Each service answers each reason with its own error code and status (the
 * gateway's {@code services} package); the message the verifier gives is the one the JSON services send.
 */
public enum Refusal {
    /** No {@code Authorization} header, or a signature in the query string (presigned URLs are not accepted). */
    MISSING_AUTHENTICATION,
    /** An {@code Authorization} header without one of its parts, or without {@code X-Amz-Date}. */
    INCOMPLETE_SIGNATURE,
    /** The access key id is not one the local cloud issued. */
    UNKNOWN_ACCESS_KEY,
    /** The session token is missing, or not the one issued with the temporary key. */
    INVALID_SESSION_TOKEN,
    /** The signature is not the one the key's secret gives, or the credential scope is not this service's. */
    SIGNATURE_MISMATCH,
    /** {@code x-amz-content-sha256} is a hash, but not the body's. */
    PAYLOAD_HASH_MISMATCH,
    /** {@code X-Amz-Date} is more than 15 minutes away from the gateway's clock. */
    SIGNATURE_EXPIRED
}
