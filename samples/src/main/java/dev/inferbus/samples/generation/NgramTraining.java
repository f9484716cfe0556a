package dev.inferbus.samples.generation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Trains the text-generation stand-in: a word-level trigram model with backoff over a public-domain text the
 * repository carries ({@code samples/corpus/}). It is a protocol stand-in, not a language model anyone would
 * serve: it gives the local endpoint real tokens to count and stream, and ends a text where a paragraph of its
 * corpus ends. Counting is exact, so a retrain writes the same bytes.
 */
public final class NgramTraining {

    static final String BOS = "<bos>";
    static final String EOS = "<eos>";
    /** Rarer words become unknown: they are never generated, and a context holding one backs off. */
    private static final int MIN_WORD_COUNT = 2;
    /** A trigram seen once is mostly a copy of one sentence; the bigram continues such a context instead. */
    private static final int MIN_TRIGRAM_COUNT = 2;

    private NgramTraining() {
    }

    /** The model file's bytes for {@code corpus}: paragraphs (blank-line separated) are the documents. */
    public static byte[] train(Path corpus) throws IOException {
        String text = Files.readString(corpus, StandardCharsets.UTF_8);
        List<List<String>> documents = new ArrayList<>();
        for (String paragraph : text.split("\\n\\s*\\n")) {
            List<String> tokens = WordTokenizer.tokens(paragraph);
            if (!tokens.isEmpty()) {
                documents.add(tokens);
            }
        }
        Map<String, Integer> wordCounts = new HashMap<>();
        documents.forEach(d -> d.forEach(t -> wordCounts.merge(t, 1, Integer::sum)));
        List<String> vocabulary = new ArrayList<>(List.of(BOS, EOS));
        wordCounts.entrySet().stream().filter(e -> e.getValue() >= MIN_WORD_COUNT)
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> vocabulary.add(e.getKey()));
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < vocabulary.size(); i++) {
            ids.put(vocabulary.get(i), i);
        }

        Map<Integer, Integer> unigrams = new TreeMap<>();
        Map<Integer, Map<Integer, Integer>> bigrams = new TreeMap<>();
        Map<List<Integer>, Map<Integer, Integer>> trigrams = new TreeMap<>(
                Comparator.<List<Integer>, Integer>comparing(k -> k.get(0)).thenComparing(k -> k.get(1)));
        int bos = ids.get(BOS);
        for (List<String> document : documents) {
            int u = bos;
            int v = bos;
            List<String> withEnd = new ArrayList<>(document);
            withEnd.add(EOS);
            for (String token : withEnd) {
                int w = ids.getOrDefault(token, -1);
                if (w >= 0) {
                    unigrams.merge(w, 1, Integer::sum);
                    if (v >= 0) {
                        bigrams.computeIfAbsent(v, k -> new TreeMap<>()).merge(w, 1, Integer::sum);
                        if (u >= 0) {
                            trigrams.computeIfAbsent(List.of(u, v), k -> new TreeMap<>()).merge(w, 1, Integer::sum);
                        }
                    }
                }
                u = v;
                v = w;
            }
        }

        ObjectMapper json = new ObjectMapper();
        ObjectNode model = json.createObjectNode();
        model.put("format", "inferbus-ngram");
        model.put("order", 3);
        model.put("corpus", "samples/corpus/" + corpus.getFileName());
        model.put("corpusSha256", sha256(Files.readAllBytes(corpus)));
        model.put("minWordCount", MIN_WORD_COUNT);
        model.put("minTrigramCount", MIN_TRIGRAM_COUNT);
        ArrayNode words = model.putArray("vocabulary");
        vocabulary.forEach(words::add);
        model.set("unigrams", pairs(json, unigrams, 1));
        ObjectNode bi = model.putObject("bigrams");
        bigrams.forEach((context, next) -> bi.set(Integer.toString(context), pairs(json, next, 1)));
        ObjectNode tri = model.putObject("trigrams");
        trigrams.forEach((context, next) -> {
            ArrayNode kept = pairs(json, next, MIN_TRIGRAM_COUNT);
            if (!kept.isEmpty()) {
                tri.set(context.get(0) + "," + context.get(1), kept);
            }
        });
        return json.writeValueAsBytes(model);
    }

    /** {@code [id, count, id, count, …]} of the counts at or over {@code min}, by id. */
    private static ArrayNode pairs(ObjectMapper json, Map<Integer, Integer> counts, int min) {
        ArrayNode flat = json.createArrayNode();
        new LinkedHashMap<>(counts).forEach((id, count) -> {
            if (count >= min) {
                flat.add(id).add(count);
            }
        });
        return flat;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
