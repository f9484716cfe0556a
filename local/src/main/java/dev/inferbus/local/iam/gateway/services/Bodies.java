package dev.inferbus.local.iam.gateway.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import dev.inferbus.local.relay.ProxiedRequest;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads request and answer bodies: AWS JSON (or Kinesis' CBOR, same fields) and query-protocol forms. */
final class Bodies {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

    private Bodies() {
    }

    /** The request's body as a tree; a missing node when it is empty or not JSON, which names no resource. */
    static JsonNode tree(ProxiedRequest request) {
        return tree(request.header("Content-Type"), request.body());
    }

    /**
     * A body as a tree. The Kinesis SDK sends and receives CBOR ({@code application/x-amz-cbor-1.1}) unless told
     * otherwise (the local cloud's clients are: {@code aws.cborEnabled=false}).
     */
    static JsonNode tree(String contentType, byte[] body) {
        if (body.length == 0) {
            return MissingNode.getInstance();
        }
        ObjectMapper mapper = contentType != null && contentType.startsWith("application/x-amz-cbor") ? CBOR : JSON;
        try {
            JsonNode tree = mapper.readTree(body);
            return tree == null ? MissingNode.getInstance() : tree;
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    /** A text field of a tree, or null. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.asText() : null;
    }

    /**
     * The parameters of a query-protocol request: those of the query string, then those of a form body
     * ("Making query API requests",
     * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-xml.html).
     * The first value of a repeated name wins.
     */
    static Map<String, String> form(ProxiedRequest request) {
        Map<String, String> parameters = query(request.query());
        String contentType = request.header("Content-Type");
        if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
            addForm(request.bodyText(), parameters);
        }
        return parameters;
    }

    /** The parameters of a raw query string, form-decoded. */
    static Map<String, String> query(String rawQuery) {
        Map<String, String> parameters = new LinkedHashMap<>();
        addForm(rawQuery, parameters);
        return parameters;
    }

    private static void addForm(String encoded, Map<String, String> parameters) {
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                parameters.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                // a malformed escape names nothing; the service refuses the request itself
            }
        }
    }

    /** The last segment of a URL or path: a queue's name in its URL. */
    static String lastSegment(String urlOrPath) {
        String trimmed = urlOrPath.endsWith("/") ? urlOrPath.substring(0, urlOrPath.length() - 1) : urlOrPath;
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }
}
