package dev.inferbus.samples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.inferbus.samples.fraud.FraudScorerTraining;
import dev.inferbus.samples.fraud.TransactionGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * How far each model's v2 moves from its v1, measured offline with raw ONNX Runtime on the committed (fraud) and
 * unpacked (MiniLM) files. Prints the numbers; the assertions only pin them loosely, so that a v2 that silently
 * became a copy of v1, or a different model, fails. Run it alone:
 * {@code ./mvnw -o -B -q -pl samples -am test -Dtest=ModelVersionAgreementTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ModelVersionAgreementTest {

    private static final Path MODELS = Path.of("src/main/resources/models");
    private final OrtEnvironment ort = OrtEnvironment.getEnvironment();

    @Test
    void fraudScorerV1AndV2OnTheHeldOutRows() throws Exception {
        // the 20,000 held-out rows of training: the generator at the training seed, past the training rows
        TransactionGenerator generator = new TransactionGenerator(FraudScorerTraining.SEED);
        for (int r = 0; r < FraudScorerTraining.TRAIN_ROWS; r++) {
            generator.next();
        }
        int n = FraudScorerTraining.TEST_ROWS;
        float[][] rows = new float[n][];
        boolean[] fraud = new boolean[n];
        for (int r = 0; r < n; r++) {
            TransactionGenerator.Transaction t = generator.next();
            rows[r] = toFloat(t.features());
            fraud[r] = t.fraud();
        }
        float[] v1 = score(MODELS.resolve("fraud-scorer/1/model.onnx"), rows);
        float[] v2 = score(MODELS.resolve("fraud-scorer/2/model.onnx"), rows);

        double threshold = FraudScorerTraining.THRESHOLD;
        int agree = 0;
        int onlyV2 = 0;
        int onlyV1 = 0;
        int onlyV2Fraud = 0;
        double[] delta = new double[n];
        for (int r = 0; r < n; r++) {
            boolean f1 = v1[r] >= threshold;
            boolean f2 = v2[r] >= threshold;
            agree += f1 == f2 ? 1 : 0;
            onlyV2 += f2 && !f1 ? 1 : 0;
            onlyV1 += f1 && !f2 ? 1 : 0;
            onlyV2Fraud += f2 && !f1 && fraud[r] ? 1 : 0;
            delta[r] = Math.abs((double) v2[r] - v1[r]);
        }
        Arrays.sort(delta);
        double agreement = (double) agree / n;
        double mean = Arrays.stream(delta).average().orElseThrow();
        double p95 = delta[(int) Math.ceil(0.95 * n) - 1];
        System.out.printf(Locale.ROOT, "fraud-scorer v1 vs v2 over %d held-out rows: label agreement at %.1f %.4f"
                        + " (%d flagged only by v2, %d of them fraud; %d only by v1); |score delta| mean %.4f, p95 %.4f,"
                        + " max %.4f%n",
                n, threshold, agreement, onlyV2, onlyV2Fraud, onlyV1, mean, p95, delta[n - 1]);

        assertThat(agreement).isBetween(0.9, 0.9999);
        assertThat(onlyV1).isZero();
        assertThat(mean).isGreaterThan(0.001);
    }

    @Test
    void sentenceEmbedderInt8V1AndFp32V2() throws Exception {
        Path v1 = Path.of(getClass().getResource("/models/sentence-embedder/1").toURI());
        Path v2 = Path.of(getClass().getResource("/models/sentence-embedder/2").toURI());
        List<String> texts = sentences(300, 20261124L);
        float[][] e1;
        float[][] e2;
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                .optTokenizerPath(v1.resolve("tokenizer.json"))
                .optMaxLength(256).optTruncation(true).optPadding(false).build()) {
            List<Encoding> encodings = texts.stream().map(tokenizer::encode).toList();
            e1 = embed(v1.resolve("model.onnx"), encodings);
            e2 = embed(v2.resolve("model.onnx"), encodings);
            int tokens = encodings.stream().mapToInt(e -> e.getIds().length).sum();
            System.out.printf(Locale.ROOT, "sentence-embedder: %d texts, %d to %d tokens (mean %.1f)%n", texts.size(),
                    encodings.stream().mapToInt(e -> e.getIds().length).min().orElseThrow(),
                    encodings.stream().mapToInt(e -> e.getIds().length).max().orElseThrow(),
                    (double) tokens / texts.size());
        }
        int n = texts.size();
        double[] cosine = new double[n];
        for (int i = 0; i < n; i++) {
            cosine[i] = dot(e1[i], e2[i]);
        }
        // do the two versions pick the same nearest neighbour for each text among the others?
        int sameNeighbour = 0;
        for (int i = 0; i < n; i++) {
            sameNeighbour += nearest(e1, i) == nearest(e2, i) ? 1 : 0;
        }
        double[] sorted = cosine.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(cosine).average().orElseThrow();
        System.out.printf(Locale.ROOT, "sentence-embedder int8 v1 vs fp32 v2 over %d texts (one text per call):"
                        + " cosine mean %.4f, p5 %.4f, min %.4f, max %.4f; same nearest neighbour for %d of %d%n",
                n, mean, sorted[(int) (0.05 * n)], sorted[0], sorted[n - 1], sameNeighbour, n);
        int worst = 0;
        for (int i = 1; i < n; i++) {
            worst = cosine[i] < cosine[worst] ? i : worst;
        }
        System.out.printf(Locale.ROOT, "  lowest cosine %.4f for: %s%n", cosine[worst],
                texts.get(worst).length() > 120 ? texts.get(worst).substring(0, 120) + "…" : texts.get(worst));

        assertThat(mean).isBetween(0.95, 0.99999);
        assertThat(sorted[0]).isGreaterThan(0.85);
    }

    private float[] score(Path onnx, float[][] rows) throws Exception {
        try (OrtSession session = ort.createSession(Files.readAllBytes(onnx));
             OnnxTensor tensor = OnnxTensor.createTensor(ort, rows);
             OrtSession.Result result = session.run(Map.of("features", tensor))) {
            float[][] out = (float[][]) result.get(0).getValue();
            float[] scores = new float[out.length];
            for (int i = 0; i < out.length; i++) {
                scores[i] = out[i][0];
            }
            return scores;
        }
    }

    /** One text per call, as the catalog runs MiniLM (maxTensorBatch 1): mean over the mask, L2-normalised. */
    private float[][] embed(Path onnx, List<Encoding> encodings) throws Exception {
        float[][] out = new float[encodings.size()][];
        try (OrtSession session = ort.createSession(onnx.toString())) {
            for (int t = 0; t < encodings.size(); t++) {
                long[] ids = encodings.get(t).getIds();
                long[] mask = encodings.get(t).getAttentionMask();
                try (OnnxTensor i = OnnxTensor.createTensor(ort, new long[][] {ids});
                     OnnxTensor m = OnnxTensor.createTensor(ort, new long[][] {mask});
                     OnnxTensor y = OnnxTensor.createTensor(ort, new long[][] {new long[ids.length]});
                     OrtSession.Result result = session.run(Map.of("input_ids", i, "attention_mask", m, "token_type_ids", y),
                             java.util.Set.of("last_hidden_state"))) {
                    float[][] hidden = ((float[][][]) result.get("last_hidden_state").orElseThrow().getValue())[0];
                    double[] pooled = new double[hidden[0].length];
                    double count = 0;
                    for (int k = 0; k < hidden.length; k++) {
                        if (mask[k] != 0) {
                            count++;
                            for (int d = 0; d < pooled.length; d++) {
                                pooled[d] += hidden[k][d];
                            }
                        }
                    }
                    double norm = 0;
                    for (int d = 0; d < pooled.length; d++) {
                        pooled[d] /= count;
                        norm += pooled[d] * pooled[d];
                    }
                    norm = Math.sqrt(norm);
                    float[] embedding = new float[pooled.length];
                    for (int d = 0; d < pooled.length; d++) {
                        embedding[d] = (float) (pooled[d] / norm);
                    }
                    out[t] = embedding;
                }
            }
        }
        return out;
    }

    private static int nearest(float[][] embeddings, int of) {
        int best = -1;
        double bestSimilarity = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < embeddings.length; j++) {
            double s = j == of ? Double.NEGATIVE_INFINITY : dot(embeddings[of], embeddings[j]);
            if (s > bestSimilarity) {
                bestSimilarity = s;
                best = j;
            }
        }
        return best;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int d = 0; d < a.length; d++) {
            s += (double) a[d] * b[d];
        }
        return s;
    }

    private static final List<String> FIXED = List.of(
            "Hi",
            "ok",
            "Where is my refund?",
            "The quick brown fox jumps over the lazy dog.",
            "My card was charged twice for the same order, please reverse one of the payments.",
            "Reset password link expired before I could use it",
            "How do I export my transactions to CSV?",
            "Great product, arrived two days early and works perfectly!",
            "Terrible experience. The package was damaged and support never answered my emails.",
            "Quarterly revenue grew 12% year over year, driven by subscription sales in Europe.",
            "The central bank left interest rates unchanged at 4.25 percent on Thursday.",
            "Heavy rain is expected across the northern coast tonight, with gusts up to 90 km/h.",
            "NullPointerException at com.example.OrderService.process(OrderService.java:42)",
            "SELECT id, amount FROM payments WHERE status = 'FAILED' ORDER BY created_at DESC LIMIT 10;",
            "def mean(xs): return sum(xs) / len(xs)",
            "kubectl rollout restart deployment/api -n production",
            "Le colis est arrivé en retard et la boîte était abîmée.",
            "Wo finde ich meine Rechnung für den letzten Monat?",
            "¿Cuándo llegará mi pedido a Madrid?",
            "这个产品的质量很好，我很满意。",
            "Thanks!!! 🙏🙏 you saved my day 😀",
            "I wnat to cancle my subscripton asap",
            "WHY IS THE APP CRASHING EVERY TIME I OPEN IT",
            "Order #A-99231-X shipped via UPS, tracking 1Z999AA10123456784.",
            "The mitochondria is the powerhouse of the cell.",
            "Photosynthesis converts light energy into chemical energy stored in glucose.",
            "To be, or not to be, that is the question.",
            "Transformers replaced recurrent networks for most sequence modelling tasks.",
            "A cosine similarity of one means the two vectors point in the same direction.",
            "Can I pay with a foreign card while travelling abroad?",
            "Suspicious login from a new device in another country was blocked.",
            "The meeting has been moved to 3pm on Friday; please update your calendars.",
            "",
            "    ",
            "1234567890",
            "??!!..",
            "https://example.com/docs/getting-started?lang=en#install",
            "user@example.com asked about invoice INV-2026-0042",
            "She sells sea shells by the sea shore.",
            "Nothing.");

    private static final String[] SUBJECTS = {"The customer", "Our team", "A small bakery", "The new update",
        "My neighbour", "The delivery driver", "This laptop", "The city council", "An old friend", "The support agent",
        "The train to Berlin", "Your subscription", "The hotel", "The research group", "A stray cat"};
    private static final String[] VERBS = {"reported", "fixed", "cancelled", "recommended", "complained about",
        "paid for", "shipped", "approved", "rejected", "forgot", "celebrated", "investigated", "delayed", "refunded"};
    private static final String[] OBJECTS = {"the late invoice", "a broken charger", "the annual budget",
        "two tickets to the concert", "the security incident", "a birthday cake", "the missing parcel",
        "an unusual transaction", "the quarterly report", "a new hiking trail", "the flight to Lisbon",
        "the database migration", "three red apples", "the rental agreement"};
    private static final String[] TAILS = {"yesterday", "last week", "after a long discussion", "without any notice",
        "in the middle of the night", "for the second time this month", "despite the heavy rain", "on Monday morning",
        "because the price went up", "although nobody asked", "before the deadline", "as expected"};
    private static final String[] QUESTIONS = {"Why did %s get %s?", "When will %s be %s?", "Who %s %s?",
        "Is it true that %s %s?"};

    /** {@code count} texts: the fixed list, then seeded sentences of one to many clauses (some past 256 tokens). */
    static List<String> sentences(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> out = new ArrayList<>(FIXED);
        while (out.size() < count) {
            int kind = random.nextInt(10);
            if (kind < 2) {
                // a short query: two to four words
                int words = 2 + random.nextInt(3);
                List<String> pool = new ArrayList<>();
                for (String phrase : OBJECTS) {
                    pool.addAll(Arrays.asList(phrase.split(" ")));
                }
                for (String phrase : VERBS) {
                    pool.addAll(Arrays.asList(phrase.split(" ")));
                }
                StringBuilder q = new StringBuilder();
                for (int w = 0; w < words; w++) {
                    q.append(w == 0 ? "" : " ").append(pool.get(random.nextInt(pool.size())));
                }
                out.add(q.toString());
            } else if (kind < 3) {
                out.add(String.format(Locale.ROOT, QUESTIONS[random.nextInt(QUESTIONS.length)],
                        pick(random, OBJECTS), pick(random, VERBS)));
            } else {
                // one clause most of the time, a paragraph now and then, a very long text rarely
                int clauses = kind < 8 ? 1 : kind < 9 ? 2 + random.nextInt(4) : 20 + random.nextInt(20);
                StringBuilder text = new StringBuilder();
                for (int c = 0; c < clauses; c++) {
                    text.append(c == 0 ? "" : " ").append(pick(random, SUBJECTS)).append(' ').append(pick(random, VERBS))
                            .append(' ').append(pick(random, OBJECTS)).append(' ').append(pick(random, TAILS))
                            .append(random.nextInt(4) == 0 ? "!" : ".");
                }
                out.add(text.toString());
            }
        }
        return out;
    }

    private static String pick(SplittableRandom random, String[] pool) {
        return pool[random.nextInt(pool.length)];
    }

    private static float[] toFloat(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
