package dev.inferbus.local.faults;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.inferbus.local.relay.ErrorAnswer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Errors shaped as the real services answer them, so that the AWS SDK parses them into the same exceptions (type,
 * status, error code) it would raise against AWS. Request ids are random per answer; they are not part of any fault
 * decision, so determinism does not depend on them.
 *
 * <p>The AWS SDK retries some of these on its own (5xx, throttling); that is how AWS behaves too, so a fault that
 * fires once behind a client with default retries is usually invisible to the caller. Tests that want to see the raw
 * fault use {@code AwsRetryStrategy.doNotRetry()}.
 */
public final class AwsErrors {

    /** AWS JSON 1.0, the protocol of DynamoDB and of SQS's JSON API. */
    public static final String JSON_10 = "application/x-amz-json-1.0";

    /** AWS JSON 1.1, the protocol of Kinesis and EventBridge. */
    public static final String JSON_11 = "application/x-amz-json-1.1";

    private AwsErrors() {
    }

    /**
     * A DynamoDB error. Shape from "Error handling with DynamoDB", Error components
     * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html): the status, header
     * {@code x-amzn-RequestId}, content type {@code application/x-amz-json-1.0} and the body
     * {@code {"__type":"com.amazonaws.dynamodb.v20120810#<Exception>","message":"<message>"}}.
     */
    public static FaultReply dynamoDb(int status, String exception, String message) {
        return awsJson(status, JSON_10, "com.amazonaws.dynamodb.v20120810#" + exception, message, Map.of(),
                AwsErrors::dynamoDbRequestId);
    }

    /**
     * DynamoDB's {@code InternalServerError}, HTTP 500: "Error handling with DynamoDB", Error messages and codes, HTTP
     * status code 5xx ("OK to retry? Yes"). The SDK retries it by default.
     */
    public static FaultReply dynamoDbInternalServerError() {
        return dynamoDb(500, "InternalServerError", "Internal server error");
    }

    /**
     * DynamoDB's {@code ProvisionedThroughputExceededException}, HTTP 400, with the message the same page gives for
     * it (Error messages and codes, HTTP status code 400; "OK to retry? Yes"). The SDK retries it as throttling.
     */
    public static FaultReply dynamoDbThrottling() {
        return dynamoDb(400, "ProvisionedThroughputExceededException",
                "You exceeded your maximum allowed provisioned throughput for a table or for one or more global secondary indexes.");
    }

    /**
     * An SQS error over its JSON protocol. Shape from "Interpreting Amazon SQS JSON API responses", JSON error
     * response structure
     * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-api-responses.html):
     * headers {@code x-amzn-RequestId} and {@code x-amzn-query-error: <query code>;<Sender|Receiver>}, content type
     * {@code application/x-amz-json-1.0}, body {@code {"__type":"com.amazonaws.sqs#<type>","message":"..."}}
     * (e.g. {@code QueueDoesNotExist} with query code {@code AWS.SimpleQueueService.NonExistentQueue;Sender}).
     */
    public static FaultReply sqs(int status, String type, String queryError, String message) {
        return awsJson(status, JSON_10, "com.amazonaws.sqs#" + type, message, Map.of("x-amzn-query-error", queryError));
    }

    /**
     * An error of an AWS JSON 1.0 or 1.1 service ({@code contentType} says which): DynamoDB, SQS's JSON API, Kinesis,
     * EventBridge. The body {@code {"__type":"<type>","message":"<message>"}} names the error by its type (the SDKs
     * read the part after {@code #}), as in "Error handling with DynamoDB", Error components
     * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html), with the request id
     * in {@code x-amzn-RequestId} and any {@code headers} given.
     */
    public static FaultReply awsJson(int status, String contentType, String type, String message, Map<String, String> headers) {
        return awsJson(status, contentType, type, message, headers, AwsErrors::requestId);
    }

    private static FaultReply awsJson(int status, String contentType, String type, String message, Map<String, String> headers,
                                      Supplier<String> requestIds) {
        return request -> {
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.put("Content-Type", contentType);
            all.put("x-amzn-RequestId", requestIds.get());
            return new ErrorAnswer(status, all, json(type, message));
        };
    }

    /**
     * An error of a REST-JSON service fronted by AWS's request router, as SageMaker Runtime's: content type
     * {@code application/json}, the error's name in {@code x-amzn-ErrorType} ({@code <code>:<namespace>}) and the body
     * {@code {"message":"<message>"}}. This is the shape SageMaker Runtime was seen to answer an unsigned request with
     * (403, {@code MissingAuthenticationTokenException:http://internal.amazon.com/coral/com.amazon.coral.service/});
     * the SDKs read the code from the header before the colon.
     */
    public static FaultReply restJson(int status, String code, String message) {
        return request -> new ErrorAnswer(status, Map.of("Content-Type", "application/json", "x-amzn-RequestId", requestId(),
                "x-amzn-ErrorType", code + ":http://internal.amazon.com/coral/com.amazon.coral.service/"),
                ("{\"message\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(message)) + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * An error of an AWS query-protocol service (SNS, SQS's XML API): content type {@code text/xml} and
     * {@code <ErrorResponse xmlns="<namespace>"><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error>
     * <RequestId>…</RequestId></ErrorResponse>}, as in "Interpreting Amazon SQS XML API responses"
     * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-responses.html). Every error
     * it is used for is the caller's ({@code Sender}).
     */
    public static FaultReply query(int status, String namespace, String code, String message) {
        return request -> {
            String requestId = requestId();
            String xml = "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"" + xml(namespace) + "\"><Error><Type>Sender</Type><Code>"
                    + xml(code) + "</Code><Message>" + xml(message) + "</Message><Detail/></Error><RequestId>" + requestId
                    + "</RequestId></ErrorResponse>";
            return new ErrorAnswer(status, Map.of("Content-Type", "text/xml", "x-amzn-RequestId", requestId),
                    xml.getBytes(StandardCharsets.UTF_8));
        };
    }

    /**
     * An S3 error. Shape from the S3 API reference, "Error responses", REST error responses
     * (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html): content type {@code application/xml}, the
     * status, and {@code <Error>} with {@code Code}, {@code Message}, {@code Resource}, {@code RequestId} (and
     * {@code HostId}, echoed in the {@code x-amz-request-id} and {@code x-amz-id-2} headers). A HEAD request gets the
     * status and headers only, as from S3.
     */
    public static FaultReply s3(int status, String code, String message) {
        return request -> {
            String requestId = HexFormat.of().withUpperCase().formatHex(randomBytes(8));
            String hostId = Base64.getEncoder().encodeToString(randomBytes(48));
            String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + xml(code) + "</Code><Message>"
                    + xml(message) + "</Message><Resource>" + xml(request.path()) + "</Resource><RequestId>" + requestId
                    + "</RequestId><HostId>" + hostId + "</HostId></Error>";
            return new ErrorAnswer(status, Map.of("Content-Type", "application/xml", "x-amz-request-id", requestId,
                    "x-amz-id-2", hostId), xml.getBytes(StandardCharsets.UTF_8));
        };
    }

    /**
     * S3's {@code SlowDown}, HTTP 503 "Please reduce your request rate." ("Error responses", List of error codes). The
     * SDK retries it by default.
     */
    public static FaultReply s3ServiceUnavailable() {
        return s3(503, "SlowDown", "Please reduce your request rate.");
    }

    /** S3's {@code AccessDenied}, HTTP 403 "Access Denied" ("Error responses", List of error codes). Never retried. */
    public static FaultReply s3AccessDenied() {
        return s3(403, "AccessDenied", "Access Denied");
    }

    private static byte[] json(String type, String message) {
        JsonStringEncoder encoder = JsonStringEncoder.getInstance();
        return ("{\"__type\":\"" + new String(encoder.quoteAsString(type)) + "\",\"message\":\""
                + new String(encoder.quoteAsString(message)) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** A request id as AWS's JSON and query services give them. */
    private static String requestId() {
        return UUID.randomUUID().toString();
    }

    /** A DynamoDB-looking request id: upper-case letters and digits, as in the error-handling page's example. */
    private static String dynamoDbRequestId() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder id = new StringBuilder(52);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 52; i++) {
            id.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return id.toString();
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
