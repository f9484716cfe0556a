package dev.inferbus.functions.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.InputLimits;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.contract.EventCodec;
import java.util.Set;

/**
 * The {@code text-embedding} task's contract, whoever computes it: {@code {text}} in, {@code {embedding[], dim}}
 * out. The cpu model and the gpu forwarder check inputs and shape outputs here, so both tiers answer alike.
 */
public final class TextEmbeddings {

    private static final Set<String> FIELDS = Set.of("text");

    private TextEmbeddings() {
    }

    /** The input's text, checked against the model's limits. */
    public static String text(JsonNode input, String pointer, InputLimits limits) throws InvalidInputException {
        Inputs.requireFields(input, pointer, FIELDS);
        JsonNode text = input.get("text");
        if (!text.isTextual()) {
            throw InvalidInputException.invalid(pointer + "/text: expected a string, got " + EventCodec.describe(text));
        }
        String value = text.asText();
        if (value.isBlank()) {
            throw InvalidInputException.invalid(pointer + "/text: must not be empty or blank");
        }
        int max = limits.maxTextChars();
        if (value.length() > max) {
            throw new InvalidInputException(ErrorCode.INPUT_TOO_LARGE,
                    pointer + "/text: at most " + max + " characters, got " + value.length());
        }
        return value;
    }

    public static ObjectNode output(float[] embedding) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode values = out.putArray("embedding");
        for (float v : embedding) {
            values.add(v);
        }
        out.put("dim", embedding.length);
        return out;
    }

    public static ObjectNode input(String text) {
        return JsonNodeFactory.instance.objectNode().put("text", text);
    }
}
