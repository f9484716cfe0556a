package dev.inferbus.local.iam.gateway.services;

import dev.inferbus.local.faults.AwsErrors;
import dev.inferbus.local.iam.gateway.sigv4.Authentication;
import dev.inferbus.local.relay.ErrorAnswer;
import dev.inferbus.local.relay.ProxiedRequest;
import java.util.Map;

/**
 * How a service says no: which error code and status it gives each authentication refusal and an authorization
 * denial, and the envelope it wraps them in, so that the AWS SDKs raise the exception they raise against AWS.
 *
 * <p>The codes come in three families. The JSON services (DynamoDB, Kinesis, EventBridge, SageMaker Runtime) answer
 * with the request framework's names: {@code MissingAuthenticationTokenException},
 * {@code IncompleteSignatureException}, {@code UnrecognizedClientException}, {@code InvalidSignatureException} and
 * {@code AccessDeniedException}, 400 ("Error handling with DynamoDB", Error messages and codes,
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html; the Common Errors of each
 * API reference, e.g. https://docs.aws.amazon.com/kinesis/latest/APIReference/CommonErrors.html) except that the
 * REST front of SageMaker Runtime answers authentication failures with 403. The query services (SNS, and SQS over
 * both its protocols) use the query names, {@code MissingAuthenticationToken}, {@code IncompleteSignature},
 * {@code InvalidClientTokenId}, {@code SignatureDoesNotMatch}, 403 but the incomplete signature (Common Errors,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html), and their own denial:
 * SQS {@code AccessDenied} 403, SNS {@code AuthorizationError} 403 (Publish, Errors,
 * https://docs.aws.amazon.com/sns/latest/api/API_Publish.html). S3 has codes of its own ("Error responses", List of
 * error codes, https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html), and treats a request without a
 * signature as anonymous, which no policy of the local cloud grants anything: {@code AccessDenied}.
 */
public enum ErrorDialect {
    /** DynamoDB. */
    JSON_10,
    /** Kinesis, EventBridge. */
    JSON_11,
    /** SageMaker Runtime. */
    REST_JSON,
    /**
     * SQS's JSON protocol: JSON 1.0 with the query code in {@code x-amzn-query-error: <code>;Sender} ("Interpreting
     * Amazon SQS JSON API responses",
     * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-api-responses.html), which
     * the SDK reports as the error code.
     */
    SQS_JSON,
    /** SQS's query protocol. */
    SQS_QUERY,
    /** SNS. */
    SNS_QUERY,
    /** S3's REST XML. */
    S3;

    private static final String CORAL = "com.amazon.coral.service#";

    /** The service's answer to a request that was not authenticated. */
    public ErrorAnswer refusal(Authentication.Refused refused, ProxiedRequest request) {
        if (this == S3) {
            return s3Refusal(refused, request);
        }
        boolean query = this == SQS_JSON || this == SQS_QUERY || this == SNS_QUERY;
        int status = this == REST_JSON ? 403 : 400;
        AwsError error = switch (refused.refusal()) {
            case MISSING_AUTHENTICATION -> query
                    ? new AwsError(403, "MissingAuthenticationToken", "MissingAuthenticationTokenException")
                    : new AwsError(status, "MissingAuthenticationTokenException");
            case INCOMPLETE_SIGNATURE -> query ? new AwsError(400, "IncompleteSignature", "IncompleteSignatureException")
                    : new AwsError(status, "IncompleteSignatureException");
            case UNKNOWN_ACCESS_KEY, INVALID_SESSION_TOKEN -> query
                    ? new AwsError(403, "InvalidClientTokenId", "UnrecognizedClientException")
                    : new AwsError(status, "UnrecognizedClientException");
            case SIGNATURE_MISMATCH, PAYLOAD_HASH_MISMATCH, SIGNATURE_EXPIRED -> query
                    ? new AwsError(403, "SignatureDoesNotMatch", "InvalidSignatureException")
                    : new AwsError(status, "InvalidSignatureException");
        };
        return answer(error, refused.message(), request);
    }

    /** The service's answer to a request its caller may not make; {@code message} is AWS's "User: … is not authorized…". */
    public ErrorAnswer denial(String message, ProxiedRequest request) {
        AwsError error = switch (this) {
            case JSON_10, JSON_11, REST_JSON -> new AwsError(400, "AccessDeniedException");
            case SQS_JSON, SQS_QUERY -> new AwsError(403, "AccessDenied", "AccessDeniedException");
            case SNS_QUERY -> new AwsError(403, "AuthorizationError");
            case S3 -> new AwsError(403, "AccessDenied");
        };
        return answer(error, message, request);
    }

    /** Any error of the service, in its envelope. */
    public ErrorAnswer answer(AwsError error, String message, ProxiedRequest request) {
        return switch (this) {
            case JSON_10 -> AwsErrors.awsJson(error.status(), AwsErrors.JSON_10, CORAL + error.type(), message, Map.of())
                    .answer(request);
            case JSON_11 -> AwsErrors.awsJson(error.status(), AwsErrors.JSON_11, CORAL + error.type(), message, Map.of())
                    .answer(request);
            case REST_JSON -> AwsErrors.restJson(error.status(), error.code(), message).answer(request);
            case SQS_JSON -> AwsErrors.awsJson(error.status(), AwsErrors.JSON_10, CORAL + error.type(), message,
                    Map.of("x-amzn-query-error", error.code() + ";Sender")).answer(request);
            case SQS_QUERY -> AwsErrors.query(error.status(), "http://queue.amazonaws.com/doc/2012-11-05/", error.code(),
                    message).answer(request);
            case SNS_QUERY -> AwsErrors.query(error.status(), "http://sns.amazonaws.com/doc/2010-03-31/", error.code(),
                    message).answer(request);
            case S3 -> AwsErrors.s3(error.status(), error.code(), message).answer(request);
        };
    }

    /** S3's codes, with S3's own messages where it has fixed ones. */
    private ErrorAnswer s3Refusal(Authentication.Refused refused, ProxiedRequest request) {
        return switch (refused.refusal()) {
            case MISSING_AUTHENTICATION -> answer(new AwsError(403, "AccessDenied"), "Access Denied", request);
            case INCOMPLETE_SIGNATURE -> answer(new AwsError(400, "AuthorizationHeaderMalformed"), refused.message(), request);
            case UNKNOWN_ACCESS_KEY -> answer(new AwsError(403, "InvalidAccessKeyId"),
                    "The AWS Access Key Id you provided does not exist in our records.", request);
            case INVALID_SESSION_TOKEN -> answer(new AwsError(400, "InvalidToken"),
                    "The provided token is malformed or otherwise invalid.", request);
            case SIGNATURE_MISMATCH -> answer(new AwsError(403, "SignatureDoesNotMatch"), "The request signature we"
                    + " calculated does not match the signature you provided. Check your key and signing method.", request);
            case PAYLOAD_HASH_MISMATCH -> answer(new AwsError(400, "XAmzContentSHA256Mismatch"), refused.message(), request);
            case SIGNATURE_EXPIRED -> answer(new AwsError(403, "RequestTimeTooSkewed"),
                    "The difference between the request time and the current time is too large.", request);
        };
    }
}
