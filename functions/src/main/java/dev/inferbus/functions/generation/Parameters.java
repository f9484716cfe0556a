package dev.inferbus.functions.generation;

import java.util.List;

/**
 * How to generate, checked against the catalog's limits.
 *
 * @param temperature 0 is greedy decoding
 * @param topP 1 keeps every token
 * @param stop texts that end the generation where they appear (not part of the text)
 * @param seed the sampling seed; null lets the container choose
 */
public record Parameters(int maxNewTokens, double temperature, double topP, List<String> stop, Long seed) {

    public Parameters {
        stop = List.copyOf(stop);
    }

    public boolean greedy() {
        return temperature == 0;
    }
}
