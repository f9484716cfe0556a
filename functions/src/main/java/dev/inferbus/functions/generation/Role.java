package dev.inferbus.functions.generation;

import java.util.Arrays;
import java.util.Optional;

/** Who said a chat message: the roles every chat-completions container takes. */
public enum Role {
    SYSTEM, USER, ASSISTANT;

    public String wireName() {
        return name().toLowerCase();
    }

    public static Optional<Role> of(String wireName) {
        return Arrays.stream(values()).filter(r -> r.wireName().equals(wireName)).findFirst();
    }
}
