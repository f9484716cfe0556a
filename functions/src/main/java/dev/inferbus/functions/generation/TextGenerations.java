package dev.inferbus.functions.generation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.catalog.InputLimits;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.functions.runtime.InvalidInputException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The {@code text-generation} task's input contract: {@code {prompt}} or {@code {messages:[{role, content}]}}, and
 * optional {@code parameters}. Every refusal names the JSON pointer of its field; the limits are the catalog's.
 */
public final class TextGenerations {

    /** Stop sequences a request may give: the most OpenAI's chat API takes, and so the most every format carries. */
    public static final int MAX_STOP_SEQUENCES = 4;
    private static final Set<String> FIELDS = Set.of("prompt", "messages", "parameters");
    private static final Set<String> PARAMETERS = Set.of("maxNewTokens", "temperature", "topP", "stop", "seed");
    private static final Set<String> MESSAGE = Set.of("role", "content");

    private TextGenerations() {
    }

    public static GenerationRequest request(JsonNode input, String pointer, InputLimits limits) throws InvalidInputException {
        if (input == null || !input.isObject()) {
            throw InvalidInputException.invalid(pointer + ": expected an object with a prompt or messages, got " + EventCodec.describe(input));
        }
        onlyFields(input, pointer, FIELDS);
        boolean prompt = input.has("prompt");
        if (prompt == input.has("messages")) {
            throw InvalidInputException.invalid(pointer + ": give exactly one of prompt (a text to continue) or messages (a chat), "
                    + (prompt ? "not both" : "got neither"));
        }
        Parameters parameters = parameters(input.get("parameters"), pointer + "/parameters", limits);
        if (prompt) {
            String text = text(input.get("prompt"), pointer + "/prompt");
            requireChars(text.length(), pointer + "/prompt", limits);
            return new GenerationRequest(text, null, parameters);
        }
        return new GenerationRequest(null, messages(input.get("messages"), pointer + "/messages", limits), parameters);
    }

    private static List<Message> messages(JsonNode node, String pointer, InputLimits limits) throws InvalidInputException {
        if (!node.isArray() || node.isEmpty()) {
            throw InvalidInputException.invalid(pointer + ": expected a non-empty array of {role, content}, got " + EventCodec.describe(node));
        }
        List<Message> messages = new ArrayList<>(node.size());
        int chars = 0;
        for (int i = 0; i < node.size(); i++) {
            String at = pointer + "/" + i;
            JsonNode m = node.get(i);
            if (!m.isObject()) {
                throw InvalidInputException.invalid(at + ": expected an object {role, content}, got " + EventCodec.describe(m));
            }
            onlyFields(m, at, MESSAGE);
            JsonNode role = m.get("role");
            Role parsed = role != null && role.isTextual() ? Role.of(role.asText()).orElse(null) : null;
            if (parsed == null) {
                throw InvalidInputException.invalid(at + "/role: expected one of system, user, assistant, got " + EventCodec.describe(role));
            }
            String content = text(m.get("content"), at + "/content");
            chars += content.length();
            messages.add(new Message(parsed, content));
        }
        requireChars(chars, pointer, limits);
        if (messages.get(messages.size() - 1).role() == Role.ASSISTANT) {
            throw InvalidInputException.invalid(pointer + "/" + (messages.size() - 1) + "/role: the last message is the assistant's;"
                    + " a chat ends with what the assistant answers (a user or system message)");
        }
        return messages;
    }

    private static Parameters parameters(JsonNode node, String pointer, InputLimits limits) throws InvalidInputException {
        int cap = limits.maxNewTokens();
        if (node == null) {
            return new Parameters(cap, 1, 1, List.of(), null);
        }
        if (!node.isObject()) {
            throw InvalidInputException.invalid(pointer + ": expected an object, got " + EventCodec.describe(node));
        }
        onlyFields(node, pointer, PARAMETERS);
        int maxNewTokens = cap;
        if (node.has("maxNewTokens")) {
            JsonNode n = node.get("maxNewTokens");
            if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 1) {
                throw InvalidInputException.invalid(pointer + "/maxNewTokens: expected a whole number >= 1, got " + EventCodec.describe(n));
            }
            if (n.asInt() > cap) {
                throw new InvalidInputException(ErrorCode.INPUT_TOO_LARGE,
                        pointer + "/maxNewTokens: at most " + cap + " for this model, got " + n.asInt());
            }
            maxNewTokens = n.asInt();
        }
        double temperature = number(node.get("temperature"), pointer + "/temperature", 1);
        if (temperature < 0) {
            throw InvalidInputException.invalid(pointer + "/temperature: must be >= 0 (0 is greedy), got " + temperature);
        }
        double topP = number(node.get("topP"), pointer + "/topP", 1);
        if (!(topP > 0 && topP <= 1)) {
            throw InvalidInputException.invalid(pointer + "/topP: must be in (0, 1], got " + topP);
        }
        return new Parameters(maxNewTokens, temperature, topP, stop(node.get("stop"), pointer + "/stop"), seed(node.get("seed"), pointer + "/seed"));
    }

    private static List<String> stop(JsonNode node, String pointer) throws InvalidInputException {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray() || node.size() > MAX_STOP_SEQUENCES) {
            throw InvalidInputException.invalid(pointer + ": expected an array of at most " + MAX_STOP_SEQUENCES + " strings, got "
                    + (node.isArray() ? node.size() + " of them" : EventCodec.describe(node)));
        }
        List<String> stop = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode s = node.get(i);
            if (!s.isTextual() || s.asText().isEmpty()) {
                throw InvalidInputException.invalid(pointer + "/" + i + ": expected a non-empty string, got " + EventCodec.describe(s));
            }
            stop.add(s.asText());
        }
        return stop;
    }

    private static Long seed(JsonNode node, String pointer) throws InvalidInputException {
        if (node == null) {
            return null;
        }
        // TGI's seed is an unsigned 64-bit integer; a long's non-negative half fits every format
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 0) {
            throw InvalidInputException.invalid(pointer + ": expected a whole number >= 0, got " + EventCodec.describe(node));
        }
        return node.asLong();
    }

    private static double number(JsonNode node, String pointer, double absent) throws InvalidInputException {
        if (node == null) {
            return absent;
        }
        if (!node.isNumber() || !Double.isFinite(node.asDouble())) {
            throw InvalidInputException.invalid(pointer + ": expected a finite number, got " + EventCodec.describe(node));
        }
        return node.asDouble();
    }

    private static String text(JsonNode node, String pointer) throws InvalidInputException {
        if (node == null || !node.isTextual()) {
            throw InvalidInputException.invalid(pointer + ": expected a string, got " + EventCodec.describe(node));
        }
        if (node.asText().isBlank()) {
            throw InvalidInputException.invalid(pointer + ": must not be empty or blank");
        }
        return node.asText();
    }

    private static void requireChars(int chars, String pointer, InputLimits limits) throws InvalidInputException {
        if (chars > limits.maxTextChars()) {
            throw new InvalidInputException(ErrorCode.INPUT_TOO_LARGE,
                    pointer + ": at most " + limits.maxTextChars() + " characters, got " + chars);
        }
    }

    private static void onlyFields(JsonNode node, String pointer, Set<String> fields) throws InvalidInputException {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw InvalidInputException.invalid(pointer + "/" + name.replace("~", "~0").replace("/", "~1")
                        + ": unexpected field (expected only " + fields.stream().sorted().toList() + ")");
            }
        }
    }
}
