package dev.inferbus.local.eventbridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reading requests and writing answers of the AWS JSON 1.1 protocol as EventBridge does: timestamps are epoch
 * seconds, JSON numbers (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html); a missing or malformed
 * member is a {@code ValidationException} worded as AWS's request validation words it; lists are paged by
 * {@code Limit} (1 to 100) and an opaque {@code NextToken}.
 */
final class Json11 {

    /** EventBridge's names of replays and archives ("Pattern: [\.\-_A-Za-z0-9]+"). */
    static final Pattern NAME = Pattern.compile("[.\\-_A-Za-z0-9]+");

    private Json11() {
    }

    /** A required string member; {@code member} is its name as the validation message writes it (lower camel case). */
    static String required(JsonNode request, String field, String member) throws EventBridgeError {
        String value = optional(request, field);
        if (value == null) {
            throw missing(member);
        }
        return value;
    }

    private static EventBridgeError missing(String member) {
        return EventBridgeError.validation("1 validation error detected: Value null at '" + member
                + "' failed to satisfy constraint: Member must not be null");
    }

    static String optional(JsonNode request, String field) {
        JsonNode value = request.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** A required name member of {@code [.\-_A-Za-z0-9]+}, 1 to {@code maxLength} characters. */
    static String name(JsonNode request, String field, String member, int maxLength) throws EventBridgeError {
        String value = required(request, field, member);
        if (value.length() > maxLength) {
            throw EventBridgeError.validation("1 validation error detected: Value '" + value + "' at '" + member
                    + "' failed to satisfy constraint: Member must have length less than or equal to " + maxLength);
        }
        if (!NAME.matcher(value).matches()) {
            throw EventBridgeError.validation("1 validation error detected: Value '" + value + "' at '" + member
                    + "' failed to satisfy constraint: Member must satisfy regular expression pattern: " + NAME.pattern());
        }
        return value;
    }

    /** A required timestamp: epoch seconds (a number, maybe with a fraction), or ISO-8601 text from a hand-written request. */
    static Instant timestamp(JsonNode request, String field, String member) throws EventBridgeError {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            throw missing(member);
        }
        if (value.isNumber()) {
            BigDecimal seconds = value.decimalValue();
            return Instant.ofEpochSecond(seconds.longValue(),
                    seconds.subtract(BigDecimal.valueOf(seconds.longValue())).movePointRight(9).longValue());
        }
        try {
            return Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw EventBridgeError.validation("1 validation error detected: Value '" + value.asText() + "' at '" + member
                    + "' failed to satisfy constraint: Member must be a timestamp");
        }
    }

    /** Writes a timestamp as epoch seconds with milliseconds; nothing for null (AWS leaves unset members out). */
    static void putTime(ObjectNode answer, String field, Instant time) {
        if (time != null) {
            answer.put(field, BigDecimal.valueOf(time.toEpochMilli(), 3));
        }
    }

    static void putIfText(ObjectNode answer, String field, String value) {
        if (value != null) {
            answer.put(field, value);
        }
    }

    /**
     * Refuses a request that sets more than one of the list filters: "Filter parameters are exclusive"
     * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListReplays.html,
     * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListArchives.html).
     */
    static void oneFilterAtMost(JsonNode request, String operation) throws EventBridgeError {
        long filters = List.of("State", "EventSourceArn", "NamePrefix").stream().filter(f -> optional(request, f) != null).count();
        if (filters > 1) {
            throw EventBridgeError.validation("At most one filter is allowed for " + operation
                    + ". Use either : State, EventSourceArn, or NamePrefix.");
        }
    }

    /** One page of {@code all}: from the request's {@code NextToken}, at most {@code Limit} (1..100) items. */
    static <T> Page<T> page(List<T> all, JsonNode request) throws EventBridgeError {
        int limit = 100;
        JsonNode given = request.get("Limit");
        if (given != null && !given.isNull()) {
            limit = given.asInt();
            if (limit < 1 || limit > 100) {
                throw EventBridgeError.validation("1 validation error detected: Value '" + given.asText()
                        + "' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100");
            }
        }
        int from = 0;
        String token = optional(request, "NextToken");
        if (token != null) {
            try {
                from = Integer.parseInt(new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                from = -1;
            }
            if (from < 0 || from > all.size()) {
                throw EventBridgeError.validation("The NextToken is not valid.");
            }
        }
        int to = Math.min(all.size(), from + limit);
        return new Page<>(all.subList(from, to), to < all.size()
                ? Base64.getEncoder().encodeToString(Integer.toString(to).getBytes(StandardCharsets.UTF_8)) : null);
    }

    /** @param nextToken the token of the next page; null on the last */
    record Page<T>(List<T> items, String nextToken) {

        void putToken(ObjectNode answer) {
            putIfText(answer, "NextToken", nextToken);
        }
    }
}
