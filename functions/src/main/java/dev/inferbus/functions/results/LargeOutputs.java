package dev.inferbus.functions.results;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** Outputs over the inline limit go to S3; the row and the event carry their {@code outputRef}. */
public final class LargeOutputs {

    /** Outputs up to this many bytes are stored inline (DynamoDB items and events stay well under their limits). */
    public static final int INLINE_LIMIT_BYTES = 32 * 1024;

    private final S3AsyncClient s3;
    private final String bucket;

    public LargeOutputs(S3AsyncClient s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    public static boolean tooLarge(String outputJson) {
        return outputJson.getBytes(StandardCharsets.UTF_8).length > INLINE_LIMIT_BYTES;
    }

    /** Stores the output and completes with its {@code s3://} reference. */
    public CompletableFuture<String> store(String key, String outputJson) {
        String objectKey = "results/" + key.replace(':', '_') + ".json";
        return s3.putObject(b -> b.bucket(bucket).key(objectKey).contentType("application/json"),
                        AsyncRequestBody.fromString(outputJson, StandardCharsets.UTF_8))
                .thenApply(r -> "s3://" + bucket + "/" + objectKey);
    }
}
