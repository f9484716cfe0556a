package dev.inferbus.functions.claimcheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.events.contract.ErrorCode;
import io.opentelemetry.context.Context;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Resolves {@code inputRef} claim checks: an S3 object in the configured bucket holding the input JSON. Any other
 * bucket is refused before a request is made, so that events cannot make the function read arbitrary objects
 * (the codec has already refused keys outside the claim-check prefix).
 */
public final class ClaimChecks {

    private final S3AsyncClient s3;
    private final String bucket;
    private final ObjectMapper json;

    public ClaimChecks(S3AsyncClient s3, String bucket, ObjectMapper json) {
        this.s3 = s3;
        this.bucket = bucket;
        this.json = json;
    }

    /** The resolved input, or the reason it cannot be had. Completes exceptionally on a transient S3 failure. */
    public sealed interface Resolved {
        record Input(JsonNode input) implements Resolved {
        }

        record Refused(ErrorCode code, String message) implements Resolved {
        }
    }

    /**
     * @param pointer the JSON pointer of the {@code inputRef} field, for messages
     */
    public CompletableFuture<Resolved> resolve(String inputRef, String pointer, long maxBytes) {
        String rest = inputRef.substring("s3://".length());
        int slash = rest.indexOf('/');
        String refBucket = rest.substring(0, slash);
        String key = rest.substring(slash + 1);
        if (!refBucket.equals(bucket)) {
            return CompletableFuture.completedFuture(new Resolved.Refused(ErrorCode.INVALID_INPUT,
                    pointer + ": claim checks must live in bucket '" + bucket + "', not '" + refBucket + "'"));
        }
        // the GET starts on the thread that ended the HEAD: it carries the caller's span on, for its own span's parent
        Context calling = Context.current();
        return s3.headObject(b -> b.bucket(bucket).key(key))
                .thenCompose(calling.wrapFunction(head -> {
                    if (head.contentLength() > maxBytes) {
                        return CompletableFuture.<Resolved>completedFuture(new Resolved.Refused(ErrorCode.INPUT_TOO_LARGE,
                                pointer + ": the object holds " + head.contentLength() + " bytes, over the model's limit of " + maxBytes));
                    }
                    if (head.contentLength() == 0) {
                        return CompletableFuture.<Resolved>completedFuture(new Resolved.Refused(ErrorCode.INVALID_INPUT,
                                pointer + ": the object is empty"));
                    }
                    // The object may be replaced between the HEAD and the GET: the GET itself reads at most one byte
                    // over the limit ("Range", S3 GetObject API reference; RFC 9110 §14.1.2), whatever is there then.
                    return s3.getObject(b -> b.bucket(bucket).key(key).range("bytes=0-" + maxBytes), AsyncResponseTransformer.toBytes())
                            .thenApply(bytes -> bytes.asByteArray().length > maxBytes
                                    ? new Resolved.Refused(ErrorCode.INPUT_TOO_LARGE, pointer + ": the object holds over "
                                            + maxBytes + " bytes, the model's limit")
                                    : parse(bytes.asByteArray(), pointer));
                }))
                .exceptionally(e -> {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (cause instanceof NoSuchKeyException || cause instanceof NoSuchBucketException
                            || (cause instanceof S3Exception s3e && s3e.statusCode() == 404)) {
                        return new Resolved.Refused(ErrorCode.INPUT_NOT_FOUND, pointer + ": no object at " + inputRef);
                    }
                    // 403: the function's role may not read the key (or S3 hides a missing key from a role without
                    // s3:ListBucket: "If you don't have the s3:ListBucket permission, Amazon S3 returns an HTTP
                    // status code 403", GetObject API reference). No retry changes either: refuse it for good.
                    if (cause instanceof S3Exception s3e && s3e.statusCode() == 403) {
                        return new Resolved.Refused(ErrorCode.INPUT_NOT_FOUND, pointer + ": the object at " + inputRef
                                + " cannot be read by this function (access denied)");
                    }
                    // 416: the object became empty between the HEAD and the ranged GET
                    if (cause instanceof S3Exception s3e && s3e.statusCode() == 416) {
                        return new Resolved.Refused(ErrorCode.INVALID_INPUT, pointer + ": the object is empty");
                    }
                    throw e instanceof CompletionException c ? c : new CompletionException(e);
                });
    }

    private Resolved parse(byte[] bytes, String pointer) {
        try {
            JsonNode input = json.readTree(bytes);
            if (input == null || !input.isObject()) {
                return new Resolved.Refused(ErrorCode.INVALID_INPUT, pointer + ": the object must hold a JSON object (the input)");
            }
            return new Resolved.Input(input);
        } catch (java.io.IOException e) {
            return new Resolved.Refused(ErrorCode.INVALID_INPUT, pointer + ": the object is not valid JSON");
        }
    }
}
