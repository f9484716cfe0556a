package dev.inferbus.functions.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inferbus.functions.config.FunctionConfig;
import dev.inferbus.functions.handler.FunctionRuntime;
import dev.inferbus.functions.results.ResultRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every bad event becomes exactly one FAILED row whose message names the offending field, and the good events of
 * its batch complete untouched. Runs the pipeline's compute path (no I/O) over an enumerated corpus and over
 * seeded random mutations of valid events.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputCorpusTest {

    private static final String NOISE = "{}[]\",:0aé\\-";

    private FunctionRuntime runtime;

    @BeforeAll
    void loadEveryCpuModel() {
        runtime = new FunctionRuntime(FunctionConfig.from(Map.of(
                FunctionConfig.MODELS, "fraud-scorer,sentence-embedder,sensor-anomaly",
                FunctionConfig.CATALOG, "../samples/catalog.yaml",
                FunctionConfig.TABLE, "unused", FunctionConfig.BUS, "unused", FunctionConfig.BUCKET, "unused",
                // the compute path makes no AWS call; the clients only need somewhere harmless to point
                FunctionConfig.ENDPOINT_PREFIX + "DYNAMODB", "http://127.0.0.1:9",
                FunctionConfig.ENDPOINT_PREFIX + "S3", "http://127.0.0.1:9",
                FunctionConfig.ENDPOINT_PREFIX + "EVENTS", "http://127.0.0.1:9")));
    }

    @AfterAll
    void close() {
        runtime.close();
    }

    @Test
    void everyCorpusCaseFailsAloneNamingItsField() {
        List<BadInputCorpus.Case> corpus = BadInputCorpus.build();
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(200);
        for (BadInputCorpus.Case bad : corpus) {
            List<ResultRow> rows = runtime.pipeline().computeRows(List.of(
                    new InferencePipeline.Record("good-before", BadInputCorpus.fraudEvent("good-before").toString()),
                    new InferencePipeline.Record("bad", bad.body()),
                    new InferencePipeline.Record("good-after", BadInputCorpus.sensorEvent("good-after").toString())));

            assertThat(rows).as(bad.name()).hasSize(3);
            assertThat(rows.get(0).status()).as(bad.name()).isEqualTo(ResultRow.COMPLETED);
            assertThat(rows.get(2).status()).as(bad.name()).isEqualTo(ResultRow.COMPLETED);
            ResultRow row = rows.get(1);
            assertThat(row.status()).as(bad.name()).isEqualTo(ResultRow.FAILED);
            assertThat(row.errorCode()).as(bad.name() + ": " + row.errorMessage()).isEqualTo(bad.code().name());
            assertThat(row.errorMessage()).as(bad.name()).startsWith(bad.pointer());
            assertThat(row.eventDetail()).as(bad.name()).contains("\"errorCode\":\"" + bad.code().name() + "\"");
        }
    }

    @Test
    void randomMutationsOfValidEventsNeverCrashAndYieldOneRowEach() {
        SplittableRandom random = new SplittableRandom(20261122);
        List<String> seeds = List.of(BadInputCorpus.fraudEvent("m").toString(), BadInputCorpus.sensorEvent("m").toString(),
                BadInputCorpus.textEvent("m", "a short sentence to mutate").toString());
        int failed = 0;
        for (int round = 0; round < 300; round++) {
            List<InferencePipeline.Record> batch = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                StringBuilder body = new StringBuilder(seeds.get(random.nextInt(seeds.size())).replace("\"m\"", "\"mut-" + round + "-" + k + "\""));
                for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
                    int at = random.nextInt(body.length());
                    switch (random.nextInt(3)) {
                        case 0 -> body.deleteCharAt(at);
                        case 1 -> body.insert(at, NOISE.charAt(random.nextInt(NOISE.length())));
                        default -> body.setCharAt(at, (char) (32 + random.nextInt(95)));
                    }
                }
                batch.add(new InferencePipeline.Record("r" + k, body.toString()));
            }

            List<ResultRow> rows = runtime.pipeline().computeRows(batch);

            assertThat(rows).hasSize(batch.size()).doesNotContainNull();
            for (ResultRow row : rows) {
                if (row.status().equals(ResultRow.FAILED)) {
                    failed++;
                    assertThat(row.errorMessage()).startsWith("/");
                }
            }
        }
        assertThat(failed).isGreaterThan(100);
    }
}
