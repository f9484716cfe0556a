package dev.inferbus.functions.results;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The results table: one item per requestId, written once with {@code attribute_not_exists(requestId)}. An item
 * remembers whether its event was published, so that a redelivered record publishes what a failed attempt could
 * not — and nothing twice.
 */
public final class ResultStore {

    public enum Write { WRITTEN, DUPLICATE }

    private final DynamoDbAsyncClient dynamoDb;
    private final String table;
    private final Duration ttl;

    public ResultStore(DynamoDbAsyncClient dynamoDb, String table, Duration ttl) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.ttl = ttl;
    }

    /** Completes with WRITTEN or DUPLICATE; exceptionally on a transient failure (throttling, 5xx, timeout). */
    public CompletableFuture<Write> put(ResultRow row) {
        return dynamoDb.putItem(b -> b.tableName(table).item(item(row)).conditionExpression("attribute_not_exists(requestId)"))
                .thenApply(r -> Write.WRITTEN)
                .exceptionally(e -> {
                    if (unwrap(e) instanceof ConditionalCheckFailedException) {
                        return Write.DUPLICATE;
                    }
                    throw e instanceof CompletionException c ? c : new CompletionException(e);
                });
    }

    /** The event of an existing row that has not been published yet, if any. */
    public CompletableFuture<Optional<Unpublished>> unpublished(String key) {
        return dynamoDb.getItem(b -> b.tableName(table).key(Map.of("requestId", AttributeValue.fromS(key))).consistentRead(true))
                .thenApply(r -> {
                    Map<String, AttributeValue> item = r.item();
                    if (item == null || item.isEmpty() || Boolean.TRUE.equals(item.getOrDefault("published", AttributeValue.fromBool(false)).bool())) {
                        return Optional.empty();
                    }
                    return Optional.of(new Unpublished(key, item.get("detailType").s(), item.get("event").s()));
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
