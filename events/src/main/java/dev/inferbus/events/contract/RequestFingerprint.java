package dev.inferbus.events.contract;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.TreeMap;

/**
 * What makes two requests the same request: model, version and input (or claim check), hashed over a canonical
 * JSON form — keys sorted, numbers compared by value — so that a redelivery, however its producer serialized it,
 * matches its first delivery, and a different payload under the same requestId does not. Powertools for AWS
 * Lambda validates idempotency payloads the same way: a hash of the chosen fields stored beside the key
 * (docs.powertools.aws.dev/lambda/java/utilities/idempotency, "Payload validation").
 */
public final class RequestFingerprint {

    private static final String PREFIX = "sha256:";

    private RequestFingerprint() {
    }

    /** The fingerprint of a request detail, read as sent (also from a detail the codec refused). */
    public static String of(JsonNode detail) {
        StringBuilder canonical = new StringBuilder();
        for (String field : new String[] {"model", "version", "input", "inputRef"}) {
            canonical.append(field).append('=');
            write(detail.get(field), canonical);
            canonical.append('\n');
        }
        return PREFIX + sha256Hex(canonical.toString());
    }

    /**
     * A JSON value in canonical form: object keys sorted, numbers by value (1, 1.0 and 1e0 alike), strings in
     * JSON's escaping; {@code -} for an absent value. Two values with the same canonical form are the same input.
     */
    public static String canonical(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out);
        return out.toString();
    }

    /** The lowercase hex SHA-256 of a text's UTF-8 bytes. */
    public static String sha256Hex(String text) {
        return HexFormat.of().formatHex(sha256(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node == null || node.isMissingNode()) {
            out.append('-');
        } else if (node.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                sorted.put(name, node.get(name));
            }
            out.append('{');
            sorted.forEach((name, value) -> {
                if (out.charAt(out.length() - 1) != '{') {
                    out.append(',');
                }
                quote(name, out);
                out.append(':');
                write(value, out);
            });
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(node.get(i), out);
            }
            out.append(']');
        } else if (node.isNumber() && !(node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue()))) {
            out.append(node.decimalValue().stripTrailingZeros().toString());
        } else if (node.isTextual()) {
            quote(node.asText(), out);
        } else {
            out.append(node.asText());
        }
    }

    private static void quote(String text, StringBuilder out) {
        out.append('"').append(JsonStringEncoder.getInstance().quoteAsString(text)).append('"');
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
