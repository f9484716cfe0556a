package dev.inferbus.samples.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inferbus.samples.generation.TextGenerator.Sampling;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NgramGeneratorTest {

    private static final Path MODEL = Path.of("src/main/resources/models/text-generator/1/model.json");
    private static NgramGenerator model;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = Files.newInputStream(MODEL)) {
            model = NgramGenerator.load(in);
        }
    }

    @Test
    void retrainingTheCarriedCorpusWritesTheCommittedModelByteForByte() throws IOException {
        assertThat(NgramTraining.train(Path.of("corpus/devils-dictionary.txt"))).isEqualTo(Files.readAllBytes(MODEL));
    }

    @Test
    void theSameSeedGivesTheSameTextAndOtherSeedsAnother() {
        Sampling sampling = new Sampling(0.9, 0.95, 7);
        List<String> first = take(model.continuation("The lawyer is", sampling), 40);

        assertThat(take(model.continuation("The lawyer is", sampling), 40)).isEqualTo(first);
        assertThat(LongStream.rangeClosed(8, 12).mapToObj(seed ->
                take(model.continuation("The lawyer is", new Sampling(0.9, 0.95, seed)), 40))).anyMatch(t -> !t.equals(first));
    }

    @Test
    void temperatureZeroIsGreedyAsIsANucleusOfOneToken() {
        List<String> greedy = take(model.continuation("A politician is", new Sampling(0, 1, 1)), 30);

        assertThat(take(model.continuation("A politician is", new Sampling(1, 1e-9, 99)), 30)).isEqualTo(greedy);
        assertThat(String.join("", greedy)).startsWith(" ");
    }

    @Test
    void aTextEndsWhereTheModelEndsItsParagraph() {
        Iterator<String> tokens = model.continuation("The lawyer is", new Sampling(0.8, 0.9, 42));
        List<String> text = take(tokens, 500);

        assertThat(tokens.hasNext()).isFalse();
        assertThat(text).isNotEmpty().hasSizeLessThan(500);
    }

    @Test
    void aReplyHoldsAtLeastOneTokenWhereTheCorpusWouldEndAtOnce() {
        // in the corpus a paragraph ending in a colon is followed by verse after a blank line: the bigram ends there
        assertThat(take(model.continuation("user: hello\nassistant:", new Sampling(0, 1, 0)), 5)).isNotEmpty();
    }

    @Test
    void tokensAreWordsNumbersAndPunctuation() {
        assertThat(model.countTokens("Hello, world -- it's 1911.")).isEqualTo(7);
        assertThat(model.countTokens("")).isZero();
    }

    @Test
    void refusesBadSamplingAndAFileOfAnotherFormat() {
        assertThatThrownBy(() -> new Sampling(-0.1, 1, 0)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new Sampling(1, 0, 0)).hasMessageContaining("topP");
        assertThatThrownBy(() -> NgramGenerator.load(new ByteArrayInputStream("{\"format\":\"onnx\"}".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(IOException.class).hasMessageContaining("inferbus-ngram");
    }

    private static List<String> take(Iterator<String> tokens, int max) {
        List<String> taken = new ArrayList<>();
        while (taken.size() < max && tokens.hasNext()) {
            taken.add(tokens.next());
        }
        return taken;
    }
}
