package dev.inferbus.local.results;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inferbus.events.compare.Agreement;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.events.contract.InferenceRequested;
import dev.inferbus.events.contract.RequestFingerprint;
import dev.inferbus.events.results.PendingRow;
import dev.inferbus.events.results.ResultRow;
import dev.inferbus.events.results.ResultRows;
import dev.inferbus.events.results.ResultStore;
import dev.inferbus.events.results.ResultsTable;
import dev.inferbus.events.results.RowOrigin;
import dev.inferbus.events.results.ShadowResult;
import dev.inferbus.events.results.StoredResult;
import dev.inferbus.local.cloud.AwsClients;
import dev.inferbus.local.emulators.DynamoDbLocalServer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** The results table's reader and writer against DynamoDB Local: fingerprints, conflicts and publish leases. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResultStoreTest {

    private static final String TABLE = "results";
    private final EventCodec codec = EventCodec.create();
    private final ResultRows rows = new ResultRows(codec);

    private DynamoDbLocalServer dynamo;
    private DynamoDbClient direct;
    private DynamoDbAsyncClient async;
    private ResultStore store;

    @BeforeAll
    void start() throws Exception {
        dynamo = DynamoDbLocalServer.start(0);
        direct = AwsClients.configure(DynamoDbClient.builder(), dynamo.endpoint()).build();
        direct.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName(ResultsTable.KEY).attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName(ResultsTable.KEY).keyType(KeyType.HASH).build()));
        async = DynamoDbAsyncClient.builder().endpointOverride(dynamo.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()).build();
        store = new ResultStore(async, TABLE, Duration.ofDays(1));
    }

    @AfterAll
    void stop() {
        async.close();
        direct.close();
        dynamo.close();
    }

    private RowOrigin origin(String requestId, String model, String input) {
        var detail = codec.mapper().createObjectNode().put("requestId", requestId).put("model", model);
        detail.set("input", readTree(input));
        InferenceRequested request = codec.mapper().convertValue(detail, InferenceRequested.class);
        return new RowOrigin(request, RequestFingerprint.of(detail), "event-" + requestId, 1_000L, "1", "cpu");
    }

    private ResultRow completed(String requestId, String model, String input) {
        return rows.completed(origin(requestId, model, input), readTree("{\"score\":0.5}"), null, 3.0, 2_000L);
    }

    private com.fasterxml.jackson.databind.JsonNode readTree(String json) {
        try {
            return codec.mapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aRowReadsBackAsItWasWritten() {
        ResultRow row = completed("read-1", "fraud-scorer", "{\"a\":1}");
        assertThat(store.put(row, 2_000L, "owner-1").join()).isEqualTo(ResultStore.Write.WRITTEN);

        assertThat(store.find("read-1").join()).contains(new StoredResult.Final(row, false));
        assertThat(store.find("read-missing").join()).isEmpty();
    }

    @Test
    void aShadowsResultReadsBackFromTheLiveRowScoredOrFailed() {
        ResultRow scored = completed("shadow-1", "fraud-scorer", "{\"a\":1}")
                .withShadow(ShadowResult.scored("2", "{\"score\":0.75}", new Agreement(0.25, true)));
        ResultRow failed = completed("shadow-2", "fraud-scorer", "{\"a\":2}")
                .withShadow(ShadowResult.failed("2", ErrorCode.MODEL_ERROR, "the shadow's scoring failed as a whole"));
        store.put(scored, 2_000L, "o-1").join();
        store.put(failed, 2_000L, "o-2").join();

        assertThat(store.find("shadow-1").join()).contains(new StoredResult.Final(scored, false));
        assertThat(store.find("shadow-2").join()).contains(new StoredResult.Final(failed, false));
    }

    @Test
    void theSameRequestAgainIsADuplicateEvenSerializedOtherwise() {
        assertThat(store.put(completed("same-1", "fraud-scorer", "{\"a\":1,\"b\":2.0}"), 2_000L, "o-1").join())
                .isEqualTo(ResultStore.Write.WRITTEN);
        assertThat(store.put(completed("same-1", "fraud-scorer", "{\"b\":2,\"a\":1}"), 2_000L, "o-2").join())
                .isEqualTo(ResultStore.Write.DUPLICATE);
    }

    @Test
    void aDifferentRequestUnderAUsedRequestIdIsAConflictAndChangesNothing() {
        ResultRow first = completed("conflict-1", "fraud-scorer", "{\"a\":1}");
        store.put(first, 2_000L, "o-1").join();

        assertThat(store.put(completed("conflict-1", "fraud-scorer", "{\"a\":2}"), 3_000L, "o-2").join())
                .isEqualTo(ResultStore.Write.CONFLICT);
        assertThat(store.put(completed("conflict-1", "sentence-embedder", "{\"a\":1}"), 3_000L, "o-3").join())
                .isEqualTo(ResultStore.Write.CONFLICT);
        assertThat(store.find("conflict-1").join()).contains(new StoredResult.Final(first, false));
    }

    /** Before fingerprints, any final row replaced a PENDING one: another model's result ended an async request. */
    @Test
    void aPendingRowIsEndedOnlyByItsOwnRequest() {
        RowOrigin async = origin("pending-1", "archive-embedder", "{\"text\":\"x\"}");
        PendingRow pending = new PendingRow("pending-1", "archive-embedder", "1", "gpu", async.fingerprint(), "inferbus-embed-async",
                "{}", "event-pending-1", 1_000L, null, null);
        assertThat(store.putPending(pending, 1_000L).join()).isEqualTo(ResultStore.Write.WRITTEN);
        RowOrigin other = origin("pending-1", "archive-embedder", "{\"text\":\"y\"}");
        PendingRow second = new PendingRow("pending-1", "archive-embedder", "1", "gpu", other.fingerprint(), "inferbus-embed-async",
                "{}", "event-pending-2", 1_000L, null, null);

        assertThat(store.putPending(second, 1_500L).join()).isEqualTo(ResultStore.Write.CONFLICT);
        assertThat(store.put(completed("pending-1", "fraud-scorer", "{\"a\":1}"), 2_000L, "o-1").join())
                .isEqualTo(ResultStore.Write.CONFLICT);
        assertThat(store.find("pending-1").join()).contains(new StoredResult.Pending(pending));

        ResultRow own = rows.completed(async, readTree("{\"dim\":1}"), null, 1.0, 3_000L);
        assertThat(store.put(own, 3_000L, "o-2").join()).isEqualTo(ResultStore.Write.WRITTEN);
        assertThat(store.find("pending-1").join()).contains(new StoredResult.Final(own, false));
    }

    /**
     * A delivery whose write failed releases the lease it may have taken; by then another delivery may hold the
     * lease and be publishing. Releasing unconditionally cleared that live lease, and a third delivery published too.
     */
    @Test
    void onlyTheHolderOfALeaseReleasesIt() {
        long now = System.currentTimeMillis();
        store.put(completed("lease-1", "fraud-scorer", "{\"a\":1}"), now - 60_000, "first").join();
        assertThat(store.owed("lease-1", now, "second").join()).isInstanceOf(ResultStore.Owed.Publish.class);

        store.releaseLease("lease-1", "first").join();

        assertThat(store.owed("lease-1", now + 10, "third").join()).isInstanceOf(ResultStore.Owed.Busy.class);
        assertThat(attribute("lease-1", "publishLeaseOwner")).contains(AttributeValue.fromS("second"));
        store.releaseLease("lease-1", "second").join();
        assertThat(store.owed("lease-1", now + 20, "third").join()).isInstanceOf(ResultStore.Owed.Publish.class);
    }

    @Test
    void aReaderDoesNotWrite() {
        ResultStore reader = ResultStore.reader(async, TABLE);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> reader.put(completed("reader-1", "fraud-scorer", "{}"), 1L, "o"))
                .isInstanceOf(IllegalStateException.class);
        assertThat(reader.find("reader-1").join()).isEmpty();
    }

    private Optional<AttributeValue> attribute(String key, String name) {
        Map<String, AttributeValue> item = direct.getItem(b -> b.tableName(TABLE).key(Map.of(ResultsTable.KEY, AttributeValue.fromS(key)))
                .consistentRead(true)).item();
        return Optional.ofNullable(item.get(name));
    }
}
