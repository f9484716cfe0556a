package dev.inferbus.functions.generation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A finished generation, the {@code text-generation} task's output.
 *
 * @param promptTokens the tokens the container read the prompt as; null where the container does not say
 * @param completionTokens the tokens it generated
 */
public record Generation(String text, FinishReason finishReason, Integer promptTokens, int completionTokens) {

    /** {@code {text, finishReason, usage:{promptTokens, completionTokens}}}. */
    public ObjectNode output() {
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("text", text).put("finishReason", finishReason.wireName());
        ObjectNode usage = out.putObject("usage");
        if (promptTokens != null) {
            usage.put("promptTokens", promptTokens);
        }
        usage.put("completionTokens", completionTokens);
        return out;
    }
}
