package dev.inferbus.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScoreCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void printsAUnitEmbeddingOf384Dims() throws Exception {
        assertThat(run("score", "sentence-embedder", "{\"text\":\"a cat sits on the mat\"}")).isZero();

        JsonNode output = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(output.get("dim").asInt()).isEqualTo(384);
        double norm = 0;
        for (JsonNode v : output.get("embedding")) {
            norm += v.asDouble() * v.asDouble();
        }
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void printsLabelAndScoreForATransaction() throws Exception {
        assertThat(run("score", "fraud-scorer", "{\"features\":{\"amount\":2450,\"hour\":3,\"merchantRisk\":0.85,"
                + "\"distanceKm\":4200,\"txnLast24h\":14,\"cardAgeDays\":12,\"foreign\":1,\"online\":1}}")).isZero();

        JsonNode output = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(output.get("label").asText()).isEqualTo("fraud");
        assertThat(output.get("score").asDouble()).isBetween(0.0, 1.0);
    }

    @Test
    void badInputExitsTwoWithOneLineNamingTheField() throws Exception {
        assertThat(run("score", "fraud-scorer", "{\"features\":{\"amount\":\"lots\"}}")).isEqualTo(2);

        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo("error: INVALID_INPUT /features/amount: expected a number, got a string of 4 characters");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void unknownModelsAndBrokenJsonExitTwo() throws Exception {
        assertThat(run("score", "gpt-7", "{}")).isEqualTo(2);
        assertThat(run("score", "sentence-embedder", "{text")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown model 'gpt-7'").contains("error: /: not valid JSON");
    }
}
