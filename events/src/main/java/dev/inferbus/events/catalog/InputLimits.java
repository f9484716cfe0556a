package dev.inferbus.events.catalog;

/**
 * Limits checked before any work is done on a request.
 *
 * @param maxInlineInputBytes serialized size of an inline {@code input}; larger payloads go through {@code inputRef}
 * @param maxInputBytes serialized size of any input, inline or fetched from a claim check
 * @param maxTextChars characters of one text, for text tasks
 */
public record InputLimits(int maxInlineInputBytes, int maxInputBytes, int maxTextChars) {

    public static final InputLimits DEFAULT = new InputLimits(64 * 1024, 1024 * 1024, 10_000);
}
