package dev.inferbus.functions.generation;

import java.util.List;
import java.util.stream.Collectors;

/** A checked {@code text-generation} input: a prompt or a chat, never both, and how to generate. */
public record GenerationRequest(String prompt, List<Message> messages, Parameters parameters) {

    public GenerationRequest {
        if ((prompt == null) == (messages == null)) {
            throw new IllegalArgumentException("a generation has a prompt or messages, exactly one of them");
        }
        messages = messages == null ? null : List.copyOf(messages);
    }

    public boolean chat() {
        return messages != null;
    }

    /**
     * The text a prompt-only model continues for a chat: one {@code role: content} line per message, then the
     * assistant's cue. A stand-in's template; real chat containers apply the model's own chat template.
     */
    public String promptText() {
        if (!chat()) {
            return prompt;
        }
        return messages.stream().map(m -> m.role().wireName() + ": " + m.content()).collect(Collectors.joining("\n"))
                + "\n" + Role.ASSISTANT.wireName() + ":";
    }
}
