package dev.inferbus.local.iam.gateway.services;

/**
 * An error as a service names it: the HTTP status, the code the SDKs report ({@code awsErrorDetails().errorCode()})
 * and, for the query-protocol services whose JSON answers carry both, the type in the JSON body (SQS answers
 * {@code AccessDenied} in {@code x-amzn-query-error} and {@code AccessDeniedException} in {@code __type}).
 */
public record AwsError(int status, String code, String type) {

    /** An error whose code and type are the same. */
    public AwsError(int status, String code) {
        this(status, code, code);
    }
}
