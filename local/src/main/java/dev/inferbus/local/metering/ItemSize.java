package dev.inferbus.local.metering;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/**
 * The size DynamoDB bills an item by, from its wire form (attribute name → AttributeValue JSON), per "DynamoDB item
 * sizes and formats" (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
 * each attribute is its name's UTF-8 bytes plus its value; a string its UTF-8 bytes, a number 1 byte per two
 * significant digits plus 1, a binary its raw (base64-decoded) bytes, a null or Boolean 1 byte; a List or Map 3 bytes
 * plus its elements plus 1 byte per element; a set its elements.
 */
public final class ItemSize {

    private ItemSize() {
    }

    /** The bytes of an item: a JSON object of attribute name → AttributeValue. */
    public static long of(JsonNode item) {
        long bytes = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = item.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> attribute = it.next();
            bytes += utf8(attribute.getKey()) + value(attribute.getValue());
        }
        return bytes;
    }

    /** The bytes of one AttributeValue, such as {@code {"S":"abc"}}, without a name. */
    static long value(JsonNode value) {
        Map.Entry<String, JsonNode> typed = value.fields().next();
        JsonNode v = typed.getValue();
        return switch (typed.getKey()) {
            case "S" -> utf8(v.asText());
            case "N" -> number(v.asText());
            case "B" -> Base64.getDecoder().decode(v.asText()).length;
            case "BOOL", "NULL" -> 1;
            case "SS" -> sum(v, element -> utf8(element.asText()));
            case "NS" -> sum(v, element -> number(element.asText()));
            case "BS" -> sum(v, element -> Base64.getDecoder().decode(element.asText()).length);
            case "L" -> 3 + sum(v, element -> 1 + value(element));
            case "M" -> 3 + v.size() + of(v);
            default -> throw new IllegalArgumentException("not a DynamoDB AttributeValue type: " + typed.getKey());
        };
    }

    /** 1 byte per two significant digits (leading and trailing zeros trimmed; an exponent's digits are not), plus 1. */
    static long number(String text) {
        int exponent = text.toLowerCase(java.util.Locale.ROOT).indexOf('e');
        String mantissa = exponent < 0 ? text : text.substring(0, exponent);
        String digits = mantissa.replaceAll("[^0-9]", "").replaceFirst("^0+", "").replaceFirst("0+$", "");
        return (digits.length() + 1) / 2 + 1;
    }

    private static long sum(JsonNode array, java.util.function.ToLongFunction<JsonNode> size) {
        long bytes = 0;
        for (JsonNode element : array) {
            bytes += size.applyAsLong(element);
        }
        return bytes;
    }

    private static long utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
