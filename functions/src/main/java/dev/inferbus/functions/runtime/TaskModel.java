package dev.inferbus.functions.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.catalog.ModelSpec;
import java.util.List;

/**
 * A loaded model behind its task: checks and prepares one input, then scores prepared inputs in one tensor call.
 *
 * @param <P> an input prepared for the tensor (a float row, a token encoding)
 */
public interface TaskModel<P> extends AutoCloseable {

    ModelSpec spec();

    /**
     * Checks one request's {@code input} and prepares it.
     *
     * @param pointer the JSON pointer of {@code input} in the event, used to name the offending field
     */
    P prepare(JsonNode input, String pointer) throws InvalidInputException;

    /** How much padding-relevant work an input is (its token count for text); batches are formed by it. */
    default int cost(P prepared) {
        return 1;
    }

    /** One output per input, in order, from a single tensor call. */
    List<JsonNode> predict(List<P> batch) throws Exception;

    /** A sample input that the priming hook scores, so the first real request meets a warm path. */
    JsonNode primingInput();

    @Override
    void close();
}
