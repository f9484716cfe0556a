package dev.inferbus.local.relay;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A request as a proxy in front of an emulator inspects it before forwarding it: a fault rule's predicate, the IAM
 * gateway's signature check and classification.
 *
 * <p>{@code path} and {@code query} are raw (still percent-encoded, exactly as the client signed them; the query is
 * empty when there is none). Header names are looked up case-insensitively, as HTTP says they are. {@code body} is the
 * whole body, or only its first bytes when it is larger ({@code bodyTruncated}; the fault proxy inspects
 * {@link #MAX_INSPECTED_BODY}): the proxy streams the rest, so that an S3 object of tens of MB never has to sit in
 * memory. Every JSON-protocol request a fault rule looks at (DynamoDB items are at most 400 KB, SQS messages 1 MiB)
 * fits whole.
 */
public record ProxiedRequest(String method, String path, String query, Map<String, List<String>> headers, byte[] body,
                             boolean bodyTruncated) {

    public static final int MAX_INSPECTED_BODY = 1 << 20;

    public ProxiedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        query = query == null ? "" : query;
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.merge(name, List.copyOf(values),
                (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList()));
        headers = Collections.unmodifiableMap(copy);
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The first value of a header, or null. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /**
     * The operation of a JSON-protocol call: the part of {@code X-Amz-Target} after its last dot
     * ({@code DynamoDB_20120810.PutItem} is {@code PutItem}, {@code AmazonSQS.SendMessage} is {@code SendMessage}).
     * Empty for REST protocols such as S3's, whose operation is the method and path.
     */
    public String operation() {
        String target = header("X-Amz-Target");
        return target == null ? "" : target.substring(target.lastIndexOf('.') + 1);
    }

    /** Whether the (inspected) body holds this text in UTF-8: a request id, a key, a table name. */
    public boolean bodyContains(String text) {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i <= body.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (body[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The (inspected) body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
