package dev.inferbus.functions.generation;

/** One turn of a chat. */
public record Message(Role role, String content) {
}
