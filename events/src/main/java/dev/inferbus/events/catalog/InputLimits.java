package dev.inferbus.events.catalog;

/**
 * Limits checked before any work is done on a request.
 *
 * @param maxInlineInputBytes serialized size of an inline {@code input}; larger payloads go through {@code inputRef}
 * @param maxInputBytes serialized size of any input, inline or fetched from a claim check
 * @param maxTextChars characters of one text, for text tasks (a generation's prompt, or all its messages' contents)
 * @param maxTensorElements elements of all input tensors of one request together, for the tensor task: a shape
 *                          is checked against it before anything is allocated for it
 * @param maxNewTokens text-generation: the most tokens a request may ask for ({@code parameters.maxNewTokens}),
 *                     and what it gets when it does not ask
 */
public record InputLimits(int maxInlineInputBytes, int maxInputBytes, int maxTextChars, int maxTensorElements,
                          int maxNewTokens) {

    /**
     * 262,144 elements: more than a 1 MB input (the claim check's limit) can carry as JSON numbers, so the default
     * refuses only shapes that claim more data than the request could hold.
     */
    public static final int DEFAULT_MAX_TENSOR_ELEMENTS = 256 * 1024;
    /** A generation's token cap unless the catalog sets one: long enough for a paragraph, short of a 60 s stream. */
    public static final int DEFAULT_MAX_NEW_TOKENS = 256;

    public static final InputLimits DEFAULT = new InputLimits(64 * 1024, 1024 * 1024, 10_000,
            DEFAULT_MAX_TENSOR_ELEMENTS, DEFAULT_MAX_NEW_TOKENS);
}
