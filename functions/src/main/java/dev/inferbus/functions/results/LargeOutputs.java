package dev.inferbus.functions.results;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** Outputs over the inline limit go to S3; the row and the event carry their {@code outputRef}. */
public final class LargeOutputs {

    /** Outputs up to this many bytes are stored inline (DynamoDB items and events stay well under their limits). */
    public static final int INLINE_LIMIT_BYTES = 32 * 1024;

    /** Where large outputs live in the payload bucket. */
    public static final String PREFIX = "results/";

    private final S3AsyncClient s3;
    private final String bucket;

    public LargeOutputs(S3AsyncClient s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    public static boolean tooLarge(String outputJson) {
        return outputJson.getBytes(StandardCharsets.UTF_8).length > INLINE_LIMIT_BYTES;
    }

    /**
     * The object key of a request's output: the SHA-256 of its requestId, so that two requestIds never share a
     * key (replacing characters did: {@code a:b} and {@code a_b}) and no requestId character needs escaping.
     */
    public static String objectKey(String requestId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(requestId.getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(digest) + ".json";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Stores the output and completes with its {@code s3://} reference. */
    public CompletableFuture<String> store(String requestId, String outputJson) {
        String objectKey = objectKey(requestId);
        return s3.putObject(b -> b.bucket(bucket).key(objectKey).contentType("application/json"),
                        AsyncRequestBody.fromString(outputJson, StandardCharsets.UTF_8))
                .thenApply(r -> "s3://" + bucket + "/" + objectKey);
    }
}
