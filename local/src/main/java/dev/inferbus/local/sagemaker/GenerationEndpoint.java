package dev.inferbus.local.sagemaker;

import dev.inferbus.functions.generation.FinishReason;
import dev.inferbus.functions.generation.Generation;
import dev.inferbus.functions.generation.GenerationRequest;
import dev.inferbus.functions.generation.Parameters;
import dev.inferbus.functions.gpu.MalformedPayloadException;
import dev.inferbus.functions.gpu.generation.ContainerCall;
import dev.inferbus.functions.gpu.generation.ContainerRefusal;
import dev.inferbus.functions.gpu.generation.GenerationFormat;
import dev.inferbus.samples.generation.TextGenerator;
import java.util.Iterator;
import java.util.Optional;

/**
 * A text-generation container stand-in: a {@link TextGenerator} behind a catalog generation format. It applies
 * what the container applies — the context limit ({@code promptTokens + maxNewTokens}, refused in the container's
 * own words), {@code max_new_tokens}, stop sequences (cut before the stop, as OpenAI's API documents) — and counts
 * real tokens with the generator's tokenizer.
 */
final class GenerationEndpoint {

    /** The stand-in's context, TGI's default {@code --max-total-tokens} (2048). */
    static final int CONTEXT_TOKENS = 2048;
    /**
     * The time each token takes, 25 tokens a second: a language model decodes one token per forward pass, so a
     * stream arrives over seconds and a consumer sees InferenceProgress between its start and its end; the n-gram
     * stand-in would otherwise hand over a whole text in a millisecond.
     */
    static final long TOKEN_NANOS = 40_000_000L;

    final GenerationFormat format;
    private final TextGenerator generator;

    GenerationEndpoint(GenerationFormat format, TextGenerator generator) {
        this.format = format;
        this.generator = generator;
    }

    /** The request, or the container's refusal of it. */
    Refusable read(byte[] body) {
        try {
            ContainerCall call = format.readRequest(body);
            int prompt = generator.countTokens(call.request().promptText());
            int max = call.request().parameters().maxNewTokens();
            return prompt + max > CONTEXT_TOKENS ? new Refusable(null, format.overContext(prompt, max, CONTEXT_TOKENS))
                    : new Refusable(call, null);
        } catch (MalformedPayloadException e) {
            return new Refusable(null, format.badRequest(e.getMessage()));
        }
    }

    record Refusable(ContainerCall call, ContainerRefusal refusal) {
    }

    /**
     * Generates, handing each token to {@code onToken} with its index — the last one withheld until it is known to
     * be the last, and handed on with the finished generation (a generation of no token hands on an empty one).
     */
    Generation generate(GenerationRequest request, TokenSink onToken) {
        Parameters p = request.parameters();
        String prompt = request.promptText();
        Iterator<String> tokens = generator.continuation(prompt, new TextGenerator.Sampling(p.temperature(), p.topP(),
                p.seed() == null ? 0 : p.seed()));
        StringBuilder text = new StringBuilder();
        String held = null;
        int count = 0;
        FinishReason finish = FinishReason.STOP;
        while (tokens.hasNext()) {
            if (count == p.maxNewTokens()) {
                finish = FinishReason.LENGTH;
                break;
            }
            String token = tokens.next();
            java.util.concurrent.locks.LockSupport.parkNanos(TOKEN_NANOS);
            Optional<Integer> stop = stopAt(text + token, p);
            if (stop.isPresent()) {
                token = token.substring(0, Math.max(0, stop.get() - text.length()));
            }
            if (held != null) {
                onToken.token(count - 1, held, null);
            }
            text.append(token);
            held = token;
            count++;
            if (stop.isPresent()) {
                break;
            }
        }
        Generation generation = new Generation(text.toString(), finish, generator.countTokens(prompt), count);
        onToken.token(Math.max(0, count - 1), held == null ? "" : held, generation);
        return generation;
    }

    /** Where the earliest stop sequence starts in {@code text}, if one is there. */
    private static Optional<Integer> stopAt(String text, Parameters p) {
        return p.stop().stream().map(text::indexOf).filter(i -> i >= 0).min(Integer::compare);
    }

    interface TokenSink {
        void token(int index, String token, Generation end);
    }

    static TokenSink ignore() {
        return (index, token, end) -> { };
    }
}
