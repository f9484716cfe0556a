package dev.inferbus.functions.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inferbus.functions.config.FunctionConfig;
import dev.inferbus.functions.handler.FunctionRuntime;
import dev.inferbus.events.results.ResultRow;
import dev.inferbus.events.results.Status;
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
            assertThat(rows.get(0).status()).as(bad.name()).isEqualTo(Status.COMPLETED);
            assertThat(rows.get(2).status()).as(bad.name()).isEqualTo(Status.COMPLETED);
            ResultRow row = rows.get(1);
            assertThat(row.status()).as(bad.name()).isEqualTo(Status.FAILED);
            assertThat(row.errorCode()).as(bad.name() + ": " + row.errorMessage()).isEqualTo(bad.code());
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
                if (row.status() == Status.FAILED) {
                    failed++;
                    assertThat(row.errorMessage()).startsWith("/");
                }
            }
        }
        assertThat(failed).isGreaterThan(100);
    }

    /**
     * The envelope is the producer's too: every field EventBridge passes through (time, id, source, resources,
     * detail-type) is set to values of every JSON type and to extreme times, and each record still ends as one row
     * of its own while its neighbours complete.
     */
    @Test
    void randomEnvelopeValuesNeverCrashTheirBatch() {
        SplittableRandom random = new SplittableRandom(20261123);
        String[] fields = {"time", "id", "source", "resources", "detail-type"};
        String[] times = {"+300000000-01-01T00:00:00Z", "-300000000-01-01T00:00:00Z", "+10000-01-01T00:00:00Z",
                "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z", "2026-02-30T00:00:00Z",
                "2026-11-22T00:00:00+01:00", "2026-11-22", "", "now"};
        int failed = 0;
        for (int round = 0; round < 400; round++) {
            var mutated = BadInputCorpus.fraudEvent("env-" + round);
            String field = fields[random.nextInt(fields.length)];
            switch (random.nextInt(8)) {
                case 0 -> mutated.put(field, times[random.nextInt(times.length)]);
                case 1 -> mutated.put(field, random.nextLong());
                case 2 -> mutated.put(field, random.nextDouble() * Math.pow(10, random.nextInt(-300, 300)));
                case 3 -> mutated.put(field, random.nextBoolean());
                case 4 -> mutated.putNull(field);
                case 5 -> mutated.putArray(field).add(times[random.nextInt(times.length)]).add(random.nextInt());
                case 6 -> mutated.putObject(field).put("k", random.nextInt());
                default -> mutated.remove(field);
            }
            List<ResultRow> rows = runtime.pipeline().computeRows(List.of(
                    new InferencePipeline.Record("good-before", BadInputCorpus.fraudEvent("good-before").toString()),
                    new InferencePipeline.Record("mutated", mutated.toString()),
                    new InferencePipeline.Record("good-after", BadInputCorpus.sensorEvent("good-after").toString())));

            assertThat(rows).hasSize(3).doesNotContainNull();
            assertThat(rows.get(0).status()).as(mutated.toString()).isEqualTo(Status.COMPLETED);
            assertThat(rows.get(2).status()).as(mutated.toString()).isEqualTo(Status.COMPLETED);
            if (rows.get(1).status() == Status.FAILED) {
                failed++;
                assertThat(rows.get(1).errorMessage()).as(mutated.toString()).startsWith("/");
            }
        }
        assertThat(failed).isGreaterThan(50);
    }

    /** Inputs may be personal data: a message names the field and what was expected, never the value it got. */
    @Test
    void noFailureMessageQuotesTheInput() {
        String secret = "PII-4242";
        List<String> bodies = List.of(
                BadInputCorpus.fraudEvent("q-1").put("detail-type", secret).toString(),
                BadInputCorpus.fraudEvent("q-2").put("time", secret).toString(),
                BadInputCorpus.fraudEvent("q-3").toString().replace("42.5", "\"" + secret + "\""),
                BadInputCorpus.fraudEvent("q-4").toString().replace("42.5", "1e39"),
                BadInputCorpus.sensorEvent("q-5").toString().replaceFirst("\\[[-0-9.E]+,", "[\"" + secret + "\","),
                BadInputCorpus.fraudEvent("q-6").toString().replace("\"detail\":{", "\"detail\":\"" + secret + "\",\"x\":{"),
                BadInputCorpus.textEvent("q-7", "x").toString().replace("\"text\":\"x\"", "\"text\":[\"" + secret + "\"]"));
        for (String body : bodies) {
            ResultRow row = runtime.pipeline().computeRows(List.of(new InferencePipeline.Record("q", body))).get(0);
            assertThat(row.status()).as(body).isEqualTo(Status.FAILED);
            assertThat(row.errorMessage()).as(body).doesNotContain(secret).doesNotContain("1e39").doesNotContain("1.0E39");
        }
    }
}
