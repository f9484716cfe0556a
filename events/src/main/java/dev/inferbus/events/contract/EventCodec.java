package dev.inferbus.events.contract;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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

    /** Where claim checks live in the payload bucket unless a deployment says otherwise. */
    public static final String DEFAULT_CLAIM_CHECK_PREFIX = "in/";

    /**
     * The range of envelope times: RFC 3339, which EventBridge's {@code time} follows, has four-digit years
     * (RFC 3339 §5.6, {@code date-fullyear = 4DIGIT}); a later time would overflow epoch milliseconds downstream.
     */
    private static final Instant EARLIEST_TIME = Instant.parse("0000-01-01T00:00:00Z");
    private static final Instant LATEST_TIME = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final int MAX_PROBLEMS_IN_MESSAGE = 3;

    private final ObjectMapper mapper;
    private final ContractSchemas schemas;
    private final String claimCheckPrefix;

    private EventCodec(ObjectMapper mapper, ContractSchemas schemas, String claimCheckPrefix) {
        this.mapper = mapper;
        this.schemas = schemas;
        this.claimCheckPrefix = claimCheckPrefix;
    }

    public static EventCodec create() {
        JsonMapper mapper = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // "{...}}" is not an event: text after the first value must fail, not be ignored
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // {"requestId":"a","requestId":"b"} means whatever the reader chooses: refuse it instead
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        mapper.getFactory().setStreamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build());
        return new EventCodec(mapper, ContractSchemas.shared(), DEFAULT_CLAIM_CHECK_PREFIX);
    }

    /** The same codec accepting claim checks ({@code inputRef}) only under {@code prefix} of the payload bucket. */
    public EventCodec withClaimCheckPrefix(String prefix) {
        if (prefix == null || prefix.isEmpty() || prefix.startsWith("/") || !prefix.endsWith("/")) {
            throw new IllegalArgumentException("a claim-check prefix is a key prefix such as 'in/', got " + prefix);
        }
        return new EventCodec(mapper, schemas, prefix);
    }

    public String claimCheckPrefix() {
        return claimCheckPrefix;
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
        } catch (StreamReadException e) {
            if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
                    && e.getProcessor() instanceof JsonParser parser) {
                return invalid(null, null, null, parser.getParsingContext().pathAsPointer() + ": a key appears twice in one"
                        + " object; keys must be unique");
            }
            return invalid(null, null, null, "/: not valid JSON (" + firstLine(e.getOriginalMessage()) + ")");
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
            return decodeDetail(node, "", null, null, null);
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
                time = timeNode.isTextual() ? Instant.parse(timeNode.asText()) : null;
            } catch (DateTimeParseException e) {
                time = null;
            }
            if (time == null || time.isBefore(EARLIEST_TIME) || time.isAfter(LATEST_TIME)) {
                return invalid(detail, eventId, null, "/time: expected an RFC 3339 instant with a four-digit year, such as"
                        + " 2026-01-01T00:00:00Z, got " + describe(timeNode));
            }
        }
        // a replayed event is the archived one plus this field
        // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-replay-archived-event.html)
        String replayName = node.path("replay-name").isTextual() ? node.get("replay-name").asText() : null;
        return decodeDetail(detail, "/detail", eventId, time, replayName);
    }

    private Decoded decodeDetail(JsonNode detail, String prefix, String eventId, Instant time, String replayName) {
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
        String surrogate = unpairedSurrogateAt(detail, prefix);
        if (surrogate != null) {
            // strict JSON parsers (an endpoint's, a consumer's) refuse a lone surrogate: UTF-8 cannot encode it
            boolean inInput = surrogate.startsWith(prefix + "/input/") || surrogate.equals(prefix + "/input");
            return invalid(detail, eventId, inInput ? ErrorCode.INVALID_INPUT : ErrorCode.INVALID_EVENT,
                    surrogate + ": the text holds an unpaired UTF-16 surrogate, which is not Unicode text");
        }
        String ref = detail.path("inputRef").asText(null);
        if (ref != null && !claimCheckKey(ref).startsWith(claimCheckPrefix)) {
            return invalid(detail, eventId, ErrorCode.INVALID_EVENT, prefix + "/inputRef: claim checks are read only from"
                    + " keys under '" + claimCheckPrefix + "' of the payload bucket");
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
            return new Decoded.Request(mapper.treeToValue(detail, InferenceRequested.class), eventId, time, prefix,
                    RequestFingerprint.of(detail), replayName);
        } catch (JsonProcessingException e) {
            // The schema admits only shapes the record can hold; reaching here means the two disagree.
            throw new IllegalStateException("schema and record disagree on " + prefix, e);
        }
    }

    /** The key of a schema-checked {@code s3://bucket/key}. */
    private static String claimCheckKey(String ref) {
        String rest = ref.substring("s3://".length());
        return rest.substring(rest.indexOf('/') + 1);
    }

    /** The pointer of the first key or text holding an unpaired surrogate, else null. */
    private static String unpairedSurrogateAt(JsonNode node, String pointer) {
        if (node.isTextual()) {
            return hasUnpairedSurrogate(node.asText()) ? pointer : null;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = unpairedSurrogateAt(node.get(i), pointer + "/" + i);
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                String at = pointer + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
                if (hasUnpairedSurrogate(field.getKey())) {
                    return pointer;
                }
                String found = unpairedSurrogateAt(field.getValue(), at);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static boolean hasUnpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static Decoded invalid(JsonNode detail, String eventId, ErrorCode code, String message) {
        return new Decoded.Invalid(new Rejection(requestIdOf(detail), modelOf(detail),
                code == null ? ErrorCode.INVALID_EVENT : code, message), eventId,
                detail != null && detail.isObject() ? RequestFingerprint.of(detail) : null);
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

    /**
     * What a JSON value is, for error messages: its type (and a string's length), never the value — inputs may
     * be personal data, and messages travel to logs, rows and events.
     */
    public static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isNull()) {
            return "null";
        }
        if (node.isTextual()) {
            return "a string of " + node.asText().length() + " characters";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
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
