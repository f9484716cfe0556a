package dev.inferbus.functions.results;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The results table: one item per requestId. A final row (COMPLETED or FAILED) is written once, where there is
 * no row or only a PENDING one (a request handed to an asynchronous endpoint). An item
 * remembers whether its event was published, so that a redelivered record publishes what a failed attempt could
 * not — and nothing twice. Publishing an owed event takes a short lease on the item first (the writer holds it
 * from the start), so two deliveries running at the same moment never both publish.
 */
public final class ResultStore {

    public enum Write { WRITTEN, DUPLICATE }

    /** How long a publisher may hold an item's event before another delivery may take over. */
    public static final Duration PUBLISH_LEASE = Duration.ofSeconds(15);

    /** What a duplicate delivery owes the bus. */
    public sealed interface Owed {
        /** Nothing: the event is out. */
        record Nothing() implements Owed {
        }

        /** The event, whose lease this delivery now holds: publish it. */
        record Publish(Unpublished event) implements Owed {
        }

        /** Another delivery holds the lease and may still publish: come back later. */
        record Busy() implements Owed {
        }
    }

    private final DynamoDbAsyncClient dynamoDb;
    private final String table;
    private final Duration ttl;

    public ResultStore(DynamoDbAsyncClient dynamoDb, String table, Duration ttl) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.ttl = ttl;
    }

    /** What the table holds for a key. */
    public sealed interface Stored {
        record Missing() implements Stored {
        }

        record Pending(PendingRow row) implements Stored {
        }

        /** A COMPLETED or FAILED row. */
        record Final(String status) implements Stored {
        }
    }

    /**
     * Writes a final row. Completes with WRITTEN (this delivery holds the publish lease) or DUPLICATE (a final
     * row was there); exceptionally on a transient failure (throttling, 5xx, timeout).
     */
    public CompletableFuture<Write> put(ResultRow row, long nowMillis) {
        Map<String, AttributeValue> item = item(row);
        item.put("publishLeaseUntil", AttributeValue.fromN(Long.toString(nowMillis + PUBLISH_LEASE.toMillis())));
        // A write that landed but whose answer was lost is retried by the SDK, and the retry's condition fails on
        // the row this very write made: the owner token tells that row from another delivery's.
        AttributeValue owner = AttributeValue.fromS(java.util.UUID.randomUUID().toString());
        item.put(LEASE_OWNER, owner);
        return conditionalPut(item, owner);
    }

    private static final String LEASE_OWNER = "publishLeaseOwner";

    /**
     * Stores a request about to be handed to an asynchronous endpoint. WRITTEN where there was no row or a
     * PENDING one (an earlier delivery that may not have invoked the endpoint: invoke again, the completion is
     * idempotent); DUPLICATE where the request already ended.
     */
    public CompletableFuture<Write> putPending(PendingRow row, long nowMillis) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("requestId", AttributeValue.fromS(row.key()));
        item.put("status", AttributeValue.fromS(PendingRow.PENDING));
        putS(item, "model", row.model());
        putS(item, "version", row.version());
        putS(item, "tier", row.tier());
        putS(item, "endpoint", row.endpoint());
        putS(item, "request", row.request());
        putS(item, "eventId", row.eventId());
        item.put("createdAt", AttributeValue.fromN(Long.toString(row.createdAtMillis())));
        item.put("expiresAt", AttributeValue.fromN(Long.toString(nowMillis / 1000 + ttl.toSeconds())));
        // a pending row owes the bus nothing; its final row will
        item.put("published", AttributeValue.fromBool(true));
        return conditionalPut(item, null);
    }

    /** @param owner the write's lease owner token, or null for a row that takes no lease */
    private CompletableFuture<Write> conditionalPut(Map<String, AttributeValue> item, AttributeValue owner) {
        return dynamoDb.putItem(b -> b.tableName(table).item(item)
                        .conditionExpression("attribute_not_exists(requestId) OR #status = :pending")
                        .expressionAttributeNames(Map.of("#status", "status"))
                        .expressionAttributeValues(Map.of(":pending", AttributeValue.fromS(PendingRow.PENDING)))
                        .returnValuesOnConditionCheckFailure(software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure.ALL_OLD))
                .thenApply(r -> Write.WRITTEN)
                .exceptionally(e -> {
                    if (unwrap(e) instanceof ConditionalCheckFailedException failed) {
                        boolean ours = owner != null && failed.hasItem() && owner.equals(failed.item().get(LEASE_OWNER));
                        return ours ? Write.WRITTEN : Write.DUPLICATE;
                    }
                    throw e instanceof CompletionException c ? c : new CompletionException(e);
                });
    }

    /** Records the endpoint's ids of the invocation on a row still PENDING (a completion may have beaten it). */
    public CompletableFuture<Void> recordInvocation(String key, String inferenceId, String outputLocation) {
        return dynamoDb.updateItem(b -> b.tableName(table).key(Map.of("requestId", AttributeValue.fromS(key)))
                        .updateExpression("SET inferenceId = :id, outputLocation = :out")
                        .conditionExpression("#status = :pending")
                        .expressionAttributeNames(Map.of("#status", "status"))
                        .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(inferenceId),
                                ":out", AttributeValue.fromS(outputLocation), ":pending", AttributeValue.fromS(PendingRow.PENDING))))
                .<Void>thenApply(r -> null)
                .exceptionally(e -> {
                    if (unwrap(e) instanceof ConditionalCheckFailedException) {
                        return null;
                    }
                    throw e instanceof CompletionException c ? c : new CompletionException(e);
                });
    }

    /** The row of a key, read consistently. */
    public CompletableFuture<Stored> find(String key) {
        return dynamoDb.getItem(b -> b.tableName(table).key(Map.of("requestId", AttributeValue.fromS(key))).consistentRead(true))
                .thenApply(r -> {
                    Map<String, AttributeValue> item = r.item();
                    if (item == null || item.isEmpty()) {
                        return new Stored.Missing();
                    }
                    String status = item.get("status").s();
                    if (!PendingRow.PENDING.equals(status)) {
                        return new Stored.Final(status);
                    }
                    return new Stored.Pending(new PendingRow(key, s(item, "model"), s(item, "version"), s(item, "tier"),
                            s(item, "endpoint"), s(item, "request"), s(item, "eventId"), Long.parseLong(item.get("createdAt").n()),
                            s(item, "inferenceId"), s(item, "outputLocation")));
                });
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    /** For a duplicate delivery: takes the publish lease of an unpublished, unleased row, or says why not. */
    public CompletableFuture<Owed> owed(String key, long nowMillis) {
        Map<String, AttributeValue> itemKey = Map.of("requestId", AttributeValue.fromS(key));
        return dynamoDb.updateItem(b -> b.tableName(table).key(itemKey)
                        .updateExpression("SET publishLeaseUntil = :until")
                        .conditionExpression("published = :no AND publishLeaseUntil < :now")
                        .expressionAttributeValues(Map.of(":until", AttributeValue.fromN(Long.toString(nowMillis + PUBLISH_LEASE.toMillis())),
                                ":no", AttributeValue.fromBool(false), ":now", AttributeValue.fromN(Long.toString(nowMillis))))
                        .returnValues(ReturnValue.ALL_NEW))
                .<Owed>thenApply(r -> new Owed.Publish(new Unpublished(key, r.attributes().get("detailType").s(), r.attributes().get("event").s())))
                .exceptionallyCompose(e -> {
                    if (!(unwrap(e) instanceof ConditionalCheckFailedException)) {
                        return CompletableFuture.failedFuture(e);
                    }
                    return dynamoDb.getItem(b -> b.tableName(table).key(itemKey).consistentRead(true)).thenApply(r ->
                            Boolean.TRUE.equals(r.item().getOrDefault("published", AttributeValue.fromBool(false)).bool())
                                    ? new Owed.Nothing() : new Owed.Busy());
                });
    }

    /**
     * Gives up the publish lease after a failed publish — or after a write whose outcome is unknown (it may have
     * landed and taken the lease) — so that the record's redelivery may publish at once. Where there is no row,
     * nothing is created.
     */
    public CompletableFuture<Void> releaseLease(String key) {
        return dynamoDb.updateItem(b -> b.tableName(table).key(Map.of("requestId", AttributeValue.fromS(key)))
                        .updateExpression("SET publishLeaseUntil = :zero")
                        .conditionExpression("attribute_exists(requestId) AND published = :no")
                        .expressionAttributeValues(Map.of(":zero", AttributeValue.fromN("0"), ":no", AttributeValue.fromBool(false))))
                .<Void>thenApply(r -> null)
                .exceptionally(e -> {
                    if (unwrap(e) instanceof ConditionalCheckFailedException) {
                        return null;
                    }
                    throw e instanceof CompletionException c ? c : new CompletionException(e);
                });
    }

    public CompletableFuture<Void> markPublished(String key) {
        return dynamoDb.updateItem(b -> b.tableName(table).key(Map.of("requestId", AttributeValue.fromS(key)))
                        .updateExpression("SET published = :t").expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true))))
                .thenApply(r -> null);
    }

    /** A stored event still owed to the bus. */
    public record Unpublished(String key, String detailType, String eventDetail) {
    }

    private Map<String, AttributeValue> item(ResultRow row) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("requestId", AttributeValue.fromS(row.key()));
        item.put("status", AttributeValue.fromS(row.status()));
        putS(item, "model", row.model());
        putS(item, "version", row.version());
        putS(item, "tier", row.tier());
        putS(item, "output", row.output());
        putS(item, "outputRef", row.outputRef());
        putS(item, "errorCode", row.errorCode());
        putS(item, "errorMessage", row.errorMessage());
        putS(item, "eventId", row.eventId());
        item.put("createdAt", AttributeValue.fromN(Long.toString(row.createdAtMillis())));
        item.put("completedAt", AttributeValue.fromN(Long.toString(row.completedAtMillis())));
        item.put("expiresAt", AttributeValue.fromN(Long.toString(row.completedAtMillis() / 1000 + ttl.toSeconds())));
        if (row.inferenceMs() != null) {
            item.put("inferenceMs", AttributeValue.fromN(Double.toString(row.inferenceMs())));
        }
        if (row.endToEndMs() != null) {
            item.put("endToEndMs", AttributeValue.fromN(Double.toString(row.endToEndMs())));
        }
        item.put("detailType", AttributeValue.fromS(row.detailType()));
        item.put("event", AttributeValue.fromS(row.eventDetail()));
        item.put("published", AttributeValue.fromBool(false));
        return item;
    }

    private static void putS(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, AttributeValue.fromS(value));
        }
    }

    static Throwable unwrap(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
