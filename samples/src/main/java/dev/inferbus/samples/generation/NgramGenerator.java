package dev.inferbus.samples.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * The trigram model {@link NgramTraining} writes, generating as a causal language model does: each token is drawn
 * from the continuations of the last two, backing off to the last one and then to all tokens when the model never
 * saw that context. Sampling follows the usual knobs (temperature reshapes the counts, top-p keeps the smallest
 * set of likeliest tokens); the random draws come from the seed alone.
 */
public final class NgramGenerator implements TextGenerator {

    /** Continuations of one context, likeliest first (ties by token id), with their counts. */
    private record Candidates(int[] tokens, int[] counts) {
    }

    private final List<String> vocabulary;
    private final Map<String, Integer> ids;
    private final Candidates unigrams;
    private final Map<Integer, Candidates> bigrams;
    private final Map<Long, Candidates> trigrams;
    private final int bos;
    private final int eos;

    private NgramGenerator(List<String> vocabulary, Candidates unigrams, Map<Integer, Candidates> bigrams,
                           Map<Long, Candidates> trigrams) {
        this.vocabulary = List.copyOf(vocabulary);
        this.ids = new HashMap<>();
        for (int i = 0; i < vocabulary.size(); i++) {
            ids.put(vocabulary.get(i), i);
        }
        this.unigrams = unigrams;
        this.bigrams = Map.copyOf(bigrams);
        this.trigrams = Map.copyOf(trigrams);
        this.bos = ids.get(NgramTraining.BOS);
        this.eos = ids.get(NgramTraining.EOS);
    }

    /** Reads a model file; refuses one of another format. */
    public static NgramGenerator load(InputStream artifact) throws IOException {
        JsonNode model = new ObjectMapper().readTree(artifact);
        if (model == null || !"inferbus-ngram".equals(model.path("format").asText()) || model.path("order").asInt() != 3) {
            throw new IOException("not an inferbus-ngram model of order 3");
        }
        List<String> vocabulary = new ArrayList<>();
        model.path("vocabulary").forEach(w -> vocabulary.add(w.asText()));
        Map<Integer, Candidates> bigrams = new HashMap<>();
        model.path("bigrams").properties().forEach(e -> bigrams.put(Integer.parseInt(e.getKey()), candidates(e.getValue())));
        Map<Long, Candidates> trigrams = new HashMap<>();
        model.path("trigrams").properties().forEach(e -> {
            String[] context = e.getKey().split(",");
            trigrams.put(key(Integer.parseInt(context[0]), Integer.parseInt(context[1])), candidates(e.getValue()));
        });
        return new NgramGenerator(vocabulary, candidates(model.path("unigrams")), bigrams, trigrams);
    }

    private static Candidates candidates(JsonNode flat) {
        int n = flat.size() / 2;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int byCount = Integer.compare(flat.get(2 * b + 1).asInt(), flat.get(2 * a + 1).asInt());
            return byCount != 0 ? byCount : Integer.compare(flat.get(2 * a).asInt(), flat.get(2 * b).asInt());
        });
        int[] tokens = new int[n];
        int[] counts = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = flat.get(2 * order[i]).asInt();
            counts[i] = flat.get(2 * order[i] + 1).asInt();
        }
        return new Candidates(tokens, counts);
    }

    private static long key(int u, int v) {
        return ((long) u << 32) | (v & 0xffffffffL);
    }

    @Override
    public int countTokens(String text) {
        return WordTokenizer.tokens(text).size();
    }

    @Override
    public Iterator<String> continuation(String prompt, Sampling sampling) {
        List<String> promptTokens = WordTokenizer.tokens(prompt);
        int size = promptTokens.size();
        String last = size == 0 ? null : promptTokens.get(size - 1);
        // a prompt that ends in a word the model never learnt starts a new paragraph: there is nothing to continue
        int v = size == 0 ? bos : ids.getOrDefault(last, -1);
        int u = size < 2 ? bos : ids.getOrDefault(promptTokens.get(size - 2), -1);
        if (v < 0) {
            u = bos;
            v = bos;
        }
        return new Continuation(u, v, v == bos ? null : last, sampling);
    }

    private final class Continuation implements Iterator<String> {
        private final SplittableRandom random;
        private final Sampling sampling;
        private int u;
        private int v;
        private String previous;
        private int next = -1;
        private boolean started;

        Continuation(int u, int v, String previous, Sampling sampling) {
            this.u = u;
            this.v = v;
            this.previous = previous;
            this.sampling = sampling;
            this.random = new SplittableRandom(sampling.seed());
        }

        @Override
        public boolean hasNext() {
            if (next < 0) {
                next = draw(context());
                if (next == eos && !started) {
                    // where the corpus would end the paragraph at once (a prompt ending "assistant:"), a new one
                    // starts: a reply holds at least one token
                    u = bos;
                    v = bos;
                    next = draw(context());
                }
            }
            return next != eos;
        }

        @Override
        public String next() {
            if (!hasNext()) {
                throw new NoSuchElementException("the model ended the text");
            }
            String token = vocabulary.get(next);
            String text = WordTokenizer.spaced(previous, token);
            previous = token;
            started = true;
            u = v;
            v = next;
            next = -1;
            return text;
        }

        private Candidates context() {
            Candidates seen = u >= 0 && v >= 0 ? trigrams.get(key(u, v)) : null;
            if (seen == null && v >= 0) {
                seen = bigrams.get(v);
            }
            return seen != null ? seen : unigrams;
        }

        private int draw(Candidates candidates) {
            if (sampling.temperature() == 0) {
                return candidates.tokens()[0];
            }
            int n = candidates.tokens().length;
            double[] weights = new double[n];
            double total = 0;
            for (int i = 0; i < n; i++) {
                weights[i] = Math.pow(candidates.counts()[i], 1 / sampling.temperature());
                total += weights[i];
            }
            // the nucleus: likeliest first, until its mass reaches topP (at least one token)
            int kept = 0;
            double mass = 0;
            while (kept < n && (kept == 0 || mass / total < sampling.topP())) {
                mass += weights[kept++];
            }
            double r = random.nextDouble() * mass;
            for (int i = 0; i < kept; i++) {
                r -= weights[i];
                if (r < 0) {
                    return candidates.tokens()[i];
                }
            }
            return candidates.tokens()[kept - 1];
        }
    }
}
