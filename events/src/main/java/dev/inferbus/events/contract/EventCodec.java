package dev.inferbus.events.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The one place event JSON is parsed and written. Decodes a full EventBridge event (as delivered to
 * Lambda, to SQS or to Kinesis by a rule) or a bare {@code InferenceRequested} detail.
 */
public final class EventCodec {

    /** Serialized size limit of {@code attributes}. */
    public static final int MAX_ATTRIBUTES_BYTES = 2048;
    /** Nesting beyond this is refused by the parser itself, before any work. */
    public static final int MAX_NESTING_DEPTH = 64;

    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final int MAX_PROBLEMS_IN_MESSAGE = 3;

    private final ObjectMapper mapper;
    private final ContractSchemas schemas;

    private EventCodec(ObjectMapper mapper) {
        this.mapper = mapper;
        this.schemas = new ContractSchemas();
    }

    public static EventCodec create() {
        JsonMapper mapper = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // "{...}}" is not an event: text after the first value must fail, not be ignored
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        mapper.getFactory().setStreamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build());
        return new EventCodec(mapper);
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public ContractSchemas schemas() {
        return schemas;
    }

    public Decoded decode(byte[] json) {
        return decode(new String(json, StandardCharsets.UTF_8));
    }

    public Decoded decode(String json) {
        JsonNode node;
        try {
            node = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            return invalid(null, null, null, "/: not valid JSON (" + firstLine(e.getOriginalMessage()) + ")");
        }
        return decode(node);
    }

    public Decoded decode(JsonNode node) {
        if (node == null || !node.isObject()) {
            return invalid(null, null, null,
                    "/: expected a JSON object (an EventBridge event or an InferenceRequested detail), got "
                            + describe(node));
        }
        if (!node.has("detail-type") && !node.has("detail")) {
            return decodeDetail(node, "", null, null);
        }
        String eventId = node.path("id").isTextual() ? node.get("id").asText() : null;
        JsonNode detailType = node.get("detail-type");
        if (detailType == null || !DetailType.REQUESTED.equals(detailType.asText(null))) {
            return invalid(node.get("detail"), eventId, null,
                    "/detail-type: expected \"" + DetailType.REQUESTED + "\", got " + describe(detailType));
        }
        JsonNode detail = node.get("detail");
        if (detail == null || !detail.isObject()) {
            return invalid(null, eventId, null, "/detail: expected an object, got " + describe(detail));
        }
        Instant time = null;
        JsonNode timeNode = node.get("time");
        if (timeNode != null && !timeNode.isNull()) {
            try {
                time = Instant.parse(timeNode.asText());
            } catch (DateTimeParseException e) {
                return invalid(detail, eventId, null,
                        "/time: expected an ISO-8601 instant such as 2026-01-01T00:00:00Z, got " + describe(timeNode));
            }
        }
        return decodeDetail(detail, "/detail", eventId, time);
    }

    private Decoded decodeDetail(JsonNode detail, String prefix, String eventId, Instant time) {
        boolean hasInput = detail.has("input");
        boolean hasRef = detail.has("inputRef");
        if (hasInput == hasRef) {
            return invalid(detail, eventId, ErrorCode.INVALID_EVENT, prefix + "/input: exactly one of input or inputRef is required, found "
                    + (hasInput ? "both" : "neither"));
        }
        // input/inputRef presence is settled above, so the schema's oneOf holds and every problem names a field.
        List<String> problems = schemas.checkRequested(detail, prefix);
        if (!problems.isEmpty()) {
            String message = String.join("; ", problems.subList(0, Math.min(problems.size(), MAX_PROBLEMS_IN_MESSAGE)));
            if (problems.size() > MAX_PROBLEMS_IN_MESSAGE) {
                message += " (and " + (problems.size() - MAX_PROBLEMS_IN_MESSAGE) + " more)";
            }
            return invalid(detail, eventId, ErrorCode.INVALID_EVENT, message);
        }
        JsonNode attributes = detail.get("attributes");
        if (attributes != null) {
            int size = attributes.toString().getBytes(StandardCharsets.UTF_8).length;
            if (size > MAX_ATTRIBUTES_BYTES) {
                return invalid(detail, eventId, ErrorCode.INVALID_EVENT, prefix + "/attributes: at most "
                        + MAX_ATTRIBUTES_BYTES + " bytes serialized, got " + size);
            }
        }
        try {
            return new Decoded.Request(mapper.treeToValue(detail, InferenceRequested.class), eventId, time, prefix);
        } catch (JsonProcessingException e) {
            // The schema admits only shapes the record can hold; reaching here means the two disagree.
            throw new IllegalStateException("schema and record disagree on " + prefix, e);
        }
    }

    private static Decoded invalid(JsonNode detail, String eventId, ErrorCode code, String message) {
        return new Decoded.Invalid(new Rejection(requestIdOf(detail), modelOf(detail),
                code == null ? ErrorCode.INVALID_EVENT : code, message), eventId);
    }

    /** The requestId of a possibly broken detail, when it is a valid one; used to key the FAILED row. */
    public static String requestIdOf(JsonNode detail) {
        JsonNode id = detail == null ? null : detail.get("requestId");
        return id != null && id.isTextual() && REQUEST_ID.matcher(id.asText()).matches() ? id.asText() : null;
    }

    private static String modelOf(JsonNode detail) {
        JsonNode model = detail == null ? null : detail.get("model");
        return model != null && model.isTextual() && model.asText().length() <= 64 ? model.asText() : null;
    }

    /** A short description of a JSON value for error messages: its type, and the value itself when short. */
    public static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isNull()) {
            return "null";
        }
        if (node.isTextual()) {
            String text = node.asText();
            return text.length() <= 40 ? "\"" + text + "\"" : "a string of " + text.length() + " characters";
        }
        if (node.isNumber() || node.isBoolean()) {
            return node.getNodeType().name().toLowerCase() + " " + node.asText();
        }
        return node.isArray() ? "an array" : "an object";
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unreadable";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    public byte[] toBytes(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serializable: " + value.getClass().getSimpleName(), e);
        }
    }

    public String toJson(Object value) {
        return new String(toBytes(value), StandardCharsets.UTF_8);
    }

    public ObjectNode objectNode() {
        return mapper.createObjectNode();
    }
}
