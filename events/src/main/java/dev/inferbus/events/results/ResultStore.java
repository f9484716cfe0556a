package dev.inferbus.events.results;

import dev.inferbus.events.compare.Agreement;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.timing.TimeBudgets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The results table's one reader and writer: one item per requestId. A final row (COMPLETED or FAILED) is
 * written once, where there is no row or only a PENDING one of the same request (one handed to an asynchronous
 * endpoint). A row keeps its request's fingerprint, so that a redelivery is told from a different request reusing
 * the requestId — that one is a conflict and changes nothing. An item remembers whether its event was published,
 * so that a redelivered record publishes what a failed attempt could not — and nothing twice. Publishing an owed
 * event takes a short lease on the item first (the writer holds it from the start), named by an owner token so
 * that only its holder gives it up early.
 */
public final class ResultStore {

    public enum Write {
        /** This call wrote the row (a final row: and holds its publish lease). */
        WRITTEN,
        /** The same request was there already, final. */
        DUPLICATE,
        /** Another request holds the requestId; nothing was changed. */
        CONFLICT
    }


    /** What a duplicate delivery owes the bus. */
    public sealed interface Owed {
        /** Nothing: the event is out. */
        record Nothing() implements Owed {
        }

        /** The event, whose lease this delivery now holds: publish it. */
        record Publish(String detailType, String eventDetail) implements Owed {
        }

        /** Another delivery holds the lease and may still publish: come back later. */
        record Busy() implements Owed {
        }
    }

    private final DynamoDbAsyncClient dynamoDb;
    private final String table;
    private final Duration ttl;

    /** @param ttl how long a row is kept after it is written (DynamoDB's TTL deletes it then) */
    public ResultStore(DynamoDbAsyncClient dynamoDb, String table, Duration ttl) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.ttl = ttl;
    }

    /** A store for reading only (a demo, a soak, a test): its writes are refused. */
    public static ResultStore reader(DynamoDbAsyncClient dynamoDb, String table) {
        return new ResultStore(dynamoDb, table, null);
    }

    private Duration ttl() {
        if (ttl == null) {
            throw new IllegalStateException("a reader of the results table does not write to it");
        }
        return ttl;
    }

    /**
     * Writes a final row, taking its publish lease for {@code leaseOwner}. Completes with WRITTEN, DUPLICATE or
     * CONFLICT; exceptionally on a transient failure (throttling, 5xx, timeout).
     *
     * @param leaseOwner a token unique to this delivery's write: it recognizes a write that landed but whose
     *                   answer was lost (the SDK's retry then finds the row this very write made), and it is the
     *                   only token that may release the lease early
     */
    public CompletableFuture<Write> put(ResultRow row, long nowMillis, String leaseOwner) {
        Map<String, AttributeValue> item = item(row);
        item.put(ResultsTable.LEASE_UNTIL, n(nowMillis + TimeBudgets.PUBLISH_LEASE.toMillis()));
        item.put(ResultsTable.LEASE_OWNER, AttributeValue.fromS(leaseOwner));
        return conditionalPut(item, row.fingerprint(), leaseOwner);
    }

    /**
     * Stores a request about to be handed to an asynchronous endpoint. WRITTEN where there was no row or a
     * PENDING one of the same request (an earlier delivery that may not have invoked the endpoint: invoke again,
     * the completion is idempotent); DUPLICATE where the request already ended; CONFLICT where another request
     * holds the requestId.
     */
    public CompletableFuture<Write> putPending(PendingRow row, long nowMillis) {
        Map<String, AttributeValue> item = identity(row.key(), Status.PENDING, row.model(), row.version(), row.tier(),
                row.fingerprint(), row.eventId(), row.createdAtMillis(), nowMillis);
        putS(item, ResultsTable.ENDPOINT, row.endpoint());
        putS(item, ResultsTable.REQUEST, row.request());
        // a pending row owes the bus nothing; its final row will
        item.put(ResultsTable.PUBLISHED, AttributeValue.fromBool(true));
        return conditionalPut(item, row.fingerprint(), null);
    }

    /** @param leaseOwner the write's lease owner token, or null for a row that takes no lease */
    private CompletableFuture<Write> conditionalPut(Map<String, AttributeValue> item, String fingerprint, String leaseOwner) {
        Map<String, String> names = new HashMap<>(Map.of("#key", ResultsTable.KEY));
        Map<String, AttributeValue> values = new HashMap<>();
        String condition = "attribute_not_exists(#key)";
        if (fingerprint != null) {
            // a PENDING row is replaced only by the request it holds: another model's final row must not end it
            condition += " OR (#status = :pending AND #fingerprint = :fingerprint)";
            names.put("#status", ResultsTable.STATUS);
            names.put("#fingerprint", ResultsTable.FINGERPRINT);
            values.put(":pending", AttributeValue.fromS(Status.PENDING.name()));
            values.put(":fingerprint", AttributeValue.fromS(fingerprint));
        }
        String expression = condition;
        return dynamoDb.putItem(b -> b.tableName(table).item(item).conditionExpression(expression)
                        .expressionAttributeNames(names).expressionAttributeValues(values.isEmpty() ? null : values)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD))
                .thenApply(r -> Write.WRITTEN)
                .exceptionally(e -> {
                    if (!(unwrap(e) instanceof ConditionalCheckFailedException failed)) {
                        throw e instanceof CompletionException c ? c : new CompletionException(e);
                    }
                    Map<String, AttributeValue> old = failed.hasItem() ? failed.item() : Map.of();
                    if (leaseOwner != null && leaseOwner.equals(s(old, ResultsTable.LEASE_OWNER))) {
                        return Write.WRITTEN;
                    }
                    String stored = s(old, ResultsTable.FINGERPRINT);
                    return fingerprint != null && stored != null && !stored.equals(fingerprint) ? Write.CONFLICT : Write.DUPLICATE;
                });
    }

    /** Records the endpoint's ids of the invocation on a row still PENDING (a completion may have beaten it). */
    public CompletableFuture<Void> recordInvocation(String key, String inferenceId, String outputLocation) {
        return ignoringConditionFailure(dynamoDb.updateItem(b -> b.tableName(table).key(key(key))
                .updateExpression("SET #id = :id, #out = :out")
                .conditionExpression("#status = :pending")
                .expressionAttributeNames(Map.of("#status", ResultsTable.STATUS, "#id", ResultsTable.INFERENCE_ID,
                        "#out", ResultsTable.OUTPUT_LOCATION))
                .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(inferenceId),
                        ":out", AttributeValue.fromS(outputLocation), ":pending", AttributeValue.fromS(Status.PENDING.name())))));
    }

    /** The row of a key, read consistently. */
    public CompletableFuture<Optional<StoredResult>> find(String key) {
        return dynamoDb.getItem(b -> b.tableName(table).key(key(key)).consistentRead(true))
                .thenApply(r -> r.hasItem() && !r.item().isEmpty() ? Optional.of(read(r.item())) : Optional.empty());
    }

    /** Every row of the table, read consistently (for a soak's or a test's final count; not for a function). */
    public CompletableFuture<List<StoredResult>> scan() {
        List<StoredResult> rows = Collections.synchronizedList(new ArrayList<>());
        return dynamoDb.scanPaginator(b -> b.tableName(table).consistentRead(true)).items()
                .subscribe(item -> rows.add(read(item)))
                .thenApply(v -> List.copyOf(rows));
    }

    /**
     * For a duplicate delivery: takes the publish lease of an unpublished, unleased row for {@code leaseOwner},
     * or says why not.
     */
    public CompletableFuture<Owed> owed(String key, long nowMillis, String leaseOwner) {
        return dynamoDb.updateItem(b -> b.tableName(table).key(key(key))
                        .updateExpression("SET #until = :until, #owner = :owner")
                        .conditionExpression("#published = :no AND #until < :now")
                        .expressionAttributeNames(Map.of("#until", ResultsTable.LEASE_UNTIL, "#owner", ResultsTable.LEASE_OWNER,
                                "#published", ResultsTable.PUBLISHED))
                        .expressionAttributeValues(Map.of(":until", n(nowMillis + TimeBudgets.PUBLISH_LEASE.toMillis()),
                                ":owner", AttributeValue.fromS(leaseOwner), ":no", AttributeValue.fromBool(false),
                                ":now", n(nowMillis)))
                        .returnValues(ReturnValue.ALL_NEW))
                .<Owed>thenApply(r -> new Owed.Publish(s(r.attributes(), ResultsTable.DETAIL_TYPE), s(r.attributes(), ResultsTable.EVENT)))
                .exceptionallyCompose(e -> {
                    if (!(unwrap(e) instanceof ConditionalCheckFailedException)) {
                        return CompletableFuture.failedFuture(e);
                    }
                    return dynamoDb.getItem(b -> b.tableName(table).key(key(key)).consistentRead(true)).thenApply(r ->
                            Boolean.TRUE.equals(r.item().getOrDefault(ResultsTable.PUBLISHED, AttributeValue.fromBool(false)).bool())
                                    ? new Owed.Nothing() : new Owed.Busy());
                });
    }

    /**
     * Gives up a publish lease this delivery holds, after a failed publish — or after a write whose outcome is
     * unknown (it may have landed and taken the lease) — so that the record's redelivery may publish at once.
     * A lease another delivery took since is left alone; where there is no row, nothing is created.
     */
    public CompletableFuture<Void> releaseLease(String key, String leaseOwner) {
        return ignoringConditionFailure(dynamoDb.updateItem(b -> b.tableName(table).key(key(key))
                .updateExpression("SET #until = :zero")
                .conditionExpression("#owner = :owner AND #published = :no")
                .expressionAttributeNames(Map.of("#until", ResultsTable.LEASE_UNTIL, "#owner", ResultsTable.LEASE_OWNER,
                        "#published", ResultsTable.PUBLISHED))
                .expressionAttributeValues(Map.of(":zero", n(0), ":owner", AttributeValue.fromS(leaseOwner),
                        ":no", AttributeValue.fromBool(false)))));
    }

    public CompletableFuture<Void> markPublished(String key) {
        return dynamoDb.updateItem(b -> b.tableName(table).key(key(key))
                        .updateExpression("SET #published = :t")
                        .expressionAttributeNames(Map.of("#published", ResultsTable.PUBLISHED))
                        .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true))))
                .thenApply(r -> null);
    }

    private static CompletableFuture<Void> ignoringConditionFailure(CompletableFuture<?> update) {
        return update.<Void>thenApply(r -> null).exceptionally(e -> {
            if (unwrap(e) instanceof ConditionalCheckFailedException) {
                return null;
            }
            throw e instanceof CompletionException c ? c : new CompletionException(e);
        });
    }

    private static Map<String, AttributeValue> key(String key) {
        return Map.of(ResultsTable.KEY, AttributeValue.fromS(key));
    }

    /**
     * What a PENDING and a final row both hold: the request's identity, when it was made, and when the row may
     * expire (TTL after {@code writtenMillis}).
     */
    private Map<String, AttributeValue> identity(String key, Status status, String model, String version, String tier,
                                                 String fingerprint, String eventId, long createdMillis, long writtenMillis) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(ResultsTable.KEY, AttributeValue.fromS(key));
        item.put(ResultsTable.STATUS, AttributeValue.fromS(status.name()));
        putS(item, ResultsTable.MODEL, model);
        putS(item, ResultsTable.VERSION, version);
        putS(item, ResultsTable.TIER, tier);
        putS(item, ResultsTable.FINGERPRINT, fingerprint);
        putS(item, ResultsTable.EVENT_ID, eventId);
        item.put(ResultsTable.CREATED_AT, n(createdMillis));
        item.put(ResultsTable.TTL, n(writtenMillis / 1000 + ttl().toSeconds()));
        return item;
    }

    private Map<String, AttributeValue> item(ResultRow row) {
        Map<String, AttributeValue> item = identity(row.key(), row.status(), row.model(), row.version(), row.tier(),
                row.fingerprint(), row.eventId(), row.createdAtMillis(), row.completedAtMillis());
        putS(item, ResultsTable.OUTPUT, row.output());
        putS(item, ResultsTable.OUTPUT_REF, row.outputRef());
        putS(item, ResultsTable.ERROR_CODE, row.errorCode() == null ? null : row.errorCode().name());
        putS(item, ResultsTable.ERROR_MESSAGE, row.errorMessage());
        item.put(ResultsTable.COMPLETED_AT, n(row.completedAtMillis()));
        if (row.inferenceMs() != null) {
            item.put(ResultsTable.INFERENCE_MS, AttributeValue.fromN(Double.toString(row.inferenceMs())));
        }
        if (row.endToEndMs() != null) {
            item.put(ResultsTable.END_TO_END_MS, AttributeValue.fromN(Double.toString(row.endToEndMs())));
        }
        item.put(ResultsTable.DETAIL_TYPE, AttributeValue.fromS(row.detailType()));
        item.put(ResultsTable.EVENT, AttributeValue.fromS(row.eventDetail()));
        putS(item, ResultsTable.REPLAY_NAME, row.replayName());
        if (row.shadow() != null) {
            putShadow(item, row.shadow());
        }
        if (row.cached()) {
            item.put(ResultsTable.CACHED, AttributeValue.fromBool(true));
        }
        // a row that announces nothing owes the bus nothing
        item.put(ResultsTable.PUBLISHED, AttributeValue.fromBool(!row.announced()));
        return item;
    }

    private static void putShadow(Map<String, AttributeValue> item, ShadowResult shadow) {
        item.put(ResultsTable.SHADOW_VERSION, AttributeValue.fromS(shadow.version()));
        putS(item, ResultsTable.SHADOW_OUTPUT, shadow.output());
        if (shadow.isFailed()) {
            item.put(ResultsTable.SHADOW_ERROR_CODE, AttributeValue.fromS(shadow.errorCode().name()));
            putS(item, ResultsTable.SHADOW_ERROR_MESSAGE, shadow.errorMessage());
        } else {
            item.put(ResultsTable.SHADOW_MEASURE, AttributeValue.fromN(Double.toString(shadow.agreement().measure())));
            item.put(ResultsTable.SHADOW_DISAGREES, AttributeValue.fromBool(shadow.agreement().disagrees()));
        }
    }

    private static ShadowResult readShadow(Map<String, AttributeValue> item) {
        String version = s(item, ResultsTable.SHADOW_VERSION);
        if (version == null) {
            return null;
        }
        String code = s(item, ResultsTable.SHADOW_ERROR_CODE);
        if (code != null) {
            return ShadowResult.failed(version, ErrorCode.valueOf(code), s(item, ResultsTable.SHADOW_ERROR_MESSAGE));
        }
        return ShadowResult.scored(version, s(item, ResultsTable.SHADOW_OUTPUT), new Agreement(d(item, ResultsTable.SHADOW_MEASURE),
                Boolean.TRUE.equals(item.get(ResultsTable.SHADOW_DISAGREES).bool())));
    }

    private static StoredResult read(Map<String, AttributeValue> item) {
        String key = s(item, ResultsTable.KEY);
        Status status = Status.valueOf(s(item, ResultsTable.STATUS));
        long created = Long.parseLong(item.get(ResultsTable.CREATED_AT).n());
        if (status == Status.PENDING) {
            return new StoredResult.Pending(new PendingRow(key, s(item, ResultsTable.MODEL), s(item, ResultsTable.VERSION),
                    s(item, ResultsTable.TIER), s(item, ResultsTable.FINGERPRINT), s(item, ResultsTable.ENDPOINT),
                    s(item, ResultsTable.REQUEST), s(item, ResultsTable.EVENT_ID), created, s(item, ResultsTable.INFERENCE_ID),
                    s(item, ResultsTable.OUTPUT_LOCATION)));
        }
        String errorCode = s(item, ResultsTable.ERROR_CODE);
        AttributeValue published = item.get(ResultsTable.PUBLISHED);
        AttributeValue cached = item.get(ResultsTable.CACHED);
        return new StoredResult.Final(new ResultRow(key, status, s(item, ResultsTable.MODEL), s(item, ResultsTable.VERSION),
                s(item, ResultsTable.TIER), s(item, ResultsTable.FINGERPRINT), s(item, ResultsTable.OUTPUT),
                s(item, ResultsTable.OUTPUT_REF), errorCode == null ? null : ErrorCode.valueOf(errorCode),
                s(item, ResultsTable.ERROR_MESSAGE), created, Long.parseLong(item.get(ResultsTable.COMPLETED_AT).n()),
                d(item, ResultsTable.INFERENCE_MS), d(item, ResultsTable.END_TO_END_MS), s(item, ResultsTable.EVENT_ID),
                s(item, ResultsTable.DETAIL_TYPE), s(item, ResultsTable.EVENT), s(item, ResultsTable.REPLAY_NAME),
                readShadow(item), cached != null && Boolean.TRUE.equals(cached.bool())),
                published != null && Boolean.TRUE.equals(published.bool()));
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static Double d(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : Double.valueOf(value.n());
    }

    private static void putS(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, AttributeValue.fromS(value));
        }
    }

    /** The cause of a failed future's exception. */
    public static Throwable unwrap(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
