package dev.inferbus.events.timing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inferbus.events.catalog.CatalogException;
import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.catalog.Tier;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The timeouts are one set: each holds against the others, and the catalog's functions hold against them. */
class TimeBudgetsTest {

    @Test
    void aWriteItsDuplicateChecksAndOnePublishCallFitInThePublishLease() {
        // put (one call), owed (an update, then a read), then the last PutEvents call may start PUBLISH_MARGIN before the end
        Duration beforePublishing = TimeBudgets.AWS_CALL.multipliedBy(3);
        assertThat(beforePublishing.plus(TimeBudgets.PUBLISH_MARGIN)).isLessThanOrEqualTo(TimeBudgets.PUBLISH_LEASE);
        assertThat(TimeBudgets.PUBLISH_MARGIN).isGreaterThanOrEqualTo(TimeBudgets.AWS_CALL);
    }

    @Test
    void everyCallAllowsMoreThanOneAttempt() {
        assertThat(TimeBudgets.AWS_ATTEMPT.multipliedBy(2)).isLessThan(TimeBudgets.AWS_CALL);
        assertThat(TimeBudgets.S3_ATTEMPT.multipliedBy(2)).isLessThanOrEqualTo(TimeBudgets.S3_CALL);
    }

    @Test
    void theReportReserveHoldsAWriteADuplicateCheckAndAPublishCall() {
        assertThat(TimeBudgets.REPORT_RESERVE).isGreaterThanOrEqualTo(TimeBudgets.AWS_CALL.multipliedBy(3));
    }

    /**
     * The sample catalog's real-time forwarder takes 64 records, 16 texts a call, 2 calls at once: two rounds of
     * calls that may each take SageMaker's whole 60 s. Its function's timeout was 60 s.
     */
    @Test
    void everyForwardingFunctionOutlastsTheRoundsOfEndpointCallsOfItsBatch() {
        ModelCatalog catalog = CatalogLoader.load(Path.of("../samples/catalog.yaml"));
        for (ModelSpec model : catalog.models()) {
            if (model.tier() != Tier.GPU) {
                continue;
            }
            Duration needed = TimeBudgets.forwarderTimeout(model.endpoint().rounds(model.batch().size()));
            assertThat(Duration.ofSeconds(model.function().timeoutSeconds())).as(model.id()).isGreaterThanOrEqualTo(needed);
        }
        assertThat(catalog.find("document-embedder").orElseThrow().endpoint().rounds(64)).isEqualTo(2);
    }

    @Test
    void aCatalogGivingAForwarderLessTimeThanItsRoundsIsRefused() {
        String yaml = """
                bus: b
                models:
                  - id: e
                    task: text-embedding
                    tier: gpu
                    trigger: sqs
                    batch: { size: 64, windowSeconds: 1 }
                    function: { timeoutSeconds: 60 }
                    endpoint: { name: e, mode: realtime, format: hf-tei, maxConcurrency: 4, maxRequestBatch: 16 }
                """;
        assertThatThrownBy(() -> CatalogLoader.parse(yaml, "c.yaml"))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("function.timeoutSeconds 60 is shorter than the 129 s one batch needs");
        assertThat(CatalogLoader.parse(yaml.replace("    function: { timeoutSeconds: 60 }\n", ""), "c.yaml")
                .find("e").orElseThrow().function().timeoutSeconds()).isEqualTo(129);
    }
}
