package dev.inferbus.events.catalog;

/**
 * Limits checked before any work is done on a request.
 *
 * @param maxInlineInputBytes serialized size of an inline {@code input}; larger payloads go through {@code inputRef}
 * @param maxInputBytes serialized size of any input, inline or fetched from a claim check
 * @param maxTextChars characters of one text, for text tasks
 * @param maxTensorElements elements of all input tensors of one request together, for the tensor task: a shape
 *                          is checked against it before anything is allocated for it
 */
public record InputLimits(int maxInlineInputBytes, int maxInputBytes, int maxTextChars, int maxTensorElements) {

    /**
     * 262,144 elements: more than a 1 MB input (the claim check's limit) can carry as JSON numbers, so the default
     * refuses only shapes that claim more data than the request could hold.
     */
    public static final InputLimits DEFAULT = new InputLimits(64 * 1024, 1024 * 1024, 10_000, 256 * 1024);
}
