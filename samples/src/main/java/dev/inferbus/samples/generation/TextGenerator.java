package dev.inferbus.samples.generation;

import java.util.Iterator;

/**
 * A causal language model as a text-generation container serves it: it counts a text's tokens (the usage a
 * container reports) and continues a prompt token by token. The local SageMaker endpoint streams those tokens in
 * the endpoint's wire format; the container, not this model, applies {@code max_new_tokens} and stop sequences.
 */
public interface TextGenerator {

    /** How the next token is drawn: {@code temperature} 0 is greedy; {@code topP} keeps the smallest nucleus. */
    record Sampling(double temperature, double topP, long seed) {
        public Sampling {
            if (!(temperature >= 0) || !Double.isFinite(temperature)) {
                throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
            }
            if (!(topP > 0 && topP <= 1)) {
                throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
            }
        }
    }

    /** The number of tokens this model reads {@code text} as. */
    int countTokens(String text);

    /**
     * The tokens that continue {@code prompt}, each as the text it adds (a word carries its leading space), lazily
     * and without end but the model's own end of sequence, where the iterator ends. The same prompt and sampling
     * give the same tokens.
     */
    Iterator<String> continuation(String prompt, Sampling sampling);
}
