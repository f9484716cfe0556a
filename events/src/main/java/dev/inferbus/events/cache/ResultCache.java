package dev.inferbus.events.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The result cache's one reader and writer, in DynamoDB: one item per (model, version, canonical input) holding
 * the output and when it stops being reusable.
 *
 * <p>A cache only saves work, so it never fails a request: a lookup that fails (throttling, 5xx, a timeout) is a
 * miss, and a store that fails is logged and forgotten — the request is scored and answered either way. Both
 * futures therefore always complete normally.
 */
public final class ResultCache {

    private static final Logger LOG = LoggerFactory.getLogger(ResultCache.class);

    /**
     * BatchGetItem takes at most 100 keys, BatchWriteItem at most 25 put or delete requests, and both refuse a
     * request that names one key twice ("Amazon DynamoDB API Reference", BatchGetItem and BatchWriteItem:
     * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html,
     * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html).
     */
    static final int MAX_GET = 100;
    static final int MAX_WRITE = 25;
    /**
     * Calls per batch, the first included: what a batch call leaves unprocessed (throttled keys, or a response
     * over 16 MB) is asked again after a backoff, as those pages advise, but only so often — a key still
     * unprocessed after that is a miss, which costs an inference, not an error.
     */
    static final int ATTEMPTS = 3;
    private static final long BACKOFF_MILLIS = 25;

    /** An output to keep for {@code ttl}. */
    public record Entry(String key, String model, String version, String output, Duration ttl) {
    }

    private final DynamoDbAsyncClient dynamoDb;
    private final String table;

    public ResultCache(DynamoDbAsyncClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    public String table() {
        return table;
    }

    /**
     * The stored outputs of those keys that are live at {@code nowMillis}; a key missing from the answer is a miss.
     *
     * <p>DynamoDB's TTL deletes an expired item lazily, in the background (typically within a few days), and until
     * then reads still return it: "Expired items that are pending deletion … continue to show in read and write
     * operations until they are deleted by the background process", and such items are to be filtered where "the
     * TTL time is equal to or less than the current time" ("Working with expired items and time to live (TTL)",
     * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ttl-expired-items.html). So an entry whose
     * {@code expiresAt} is at or before now is a miss here, whatever the table still holds.
     */
    public CompletableFuture<Map<String, String>> lookup(Collection<String> keys, long nowMillis) {
        Map<String, String> hits = new ConcurrentHashMap<>();
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(keys));
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        long nowSeconds = nowMillis / 1000;
        for (int from = 0; from < distinct.size(); from += MAX_GET) {
            List<Map<String, AttributeValue>> chunk = distinct.subList(from, Math.min(from + MAX_GET, distinct.size())).stream()
                    .map(ResultCache::key).toList();
            calls.add(get(chunk, 1, nowSeconds, hits));
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(v -> Map.copyOf(hits));
    }

    private CompletableFuture<Void> get(List<Map<String, AttributeValue>> keys, int attempt, long nowSeconds, Map<String, String> hits) {
        KeysAndAttributes request = KeysAndAttributes.builder().keys(keys)
                .projectionExpression("#k, #o, #t")
                .expressionAttributeNames(Map.of("#k", CacheTable.KEY, "#o", CacheTable.OUTPUT, "#t", CacheTable.TTL))
                .build();
        return dynamoDb.batchGetItem(b -> b.requestItems(Map.of(table, request)))
                .thenCompose(response -> {
                    for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                        AttributeValue expiresAt = item.get(CacheTable.TTL);
                        AttributeValue output = item.get(CacheTable.OUTPUT);
                        if (expiresAt != null && output != null && Long.parseLong(expiresAt.n()) > nowSeconds) {
                            hits.put(item.get(CacheTable.KEY).s(), output.s());
                        }
                    }
                    KeysAndAttributes left = response.unprocessedKeys().get(table);
                    if (left == null || !left.hasKeys() || left.keys().isEmpty()) {
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    if (attempt >= ATTEMPTS) {
                        LOG.warn("result cache: {} keys still unprocessed after {} calls; they are misses", left.keys().size(), attempt);
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    return later(attempt).thenCompose(x -> get(left.keys(), attempt + 1, nowSeconds, hits));
                })
                .exceptionally(e -> {
                    LOG.warn("result cache: a lookup of {} keys failed ({}); they are misses", keys.size(), rootName(e));
                    return null;
                });
    }

    /**
     * Stores outputs, each live for its entry's TTL from {@code nowMillis}. Completes with how many were stored;
     * an entry that could not be is logged, never raised.
     */
    public CompletableFuture<Integer> store(Collection<Entry> entries, long nowMillis) {
        Map<String, Entry> distinct = new LinkedHashMap<>();
        entries.forEach(e -> distinct.putIfAbsent(e.key(), e));
        List<WriteRequest> writes = distinct.values().stream()
                .map(e -> WriteRequest.builder().putRequest(PutRequest.builder().item(item(e, nowMillis)).build()).build())
                .toList();
        AtomicInteger stored = new AtomicInteger();
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (int from = 0; from < writes.size(); from += MAX_WRITE) {
            calls.add(write(writes.subList(from, Math.min(from + MAX_WRITE, writes.size())), 1, stored));
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(v -> stored.get());
    }

    private CompletableFuture<Void> write(List<WriteRequest> writes, int attempt, AtomicInteger stored) {
        return dynamoDb.batchWriteItem(b -> b.requestItems(Map.of(table, writes)))
                .thenCompose(response -> {
                    List<WriteRequest> left = response.unprocessedItems().getOrDefault(table, List.of());
                    stored.addAndGet(writes.size() - left.size());
                    if (left.isEmpty()) {
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    if (attempt >= ATTEMPTS) {
                        LOG.warn("result cache: {} entries still unprocessed after {} calls; not cached", left.size(), attempt);
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    return later(attempt).thenCompose(x -> write(left, attempt + 1, stored));
                })
                .exceptionally(e -> {
                    LOG.warn("result cache: storing {} entries failed ({}); not cached", writes.size(), rootName(e));
                    return null;
                });
    }

    private static Map<String, AttributeValue> item(Entry entry, long nowMillis) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(CacheTable.KEY, AttributeValue.fromS(entry.key()));
        item.put(CacheTable.MODEL, AttributeValue.fromS(entry.model()));
        item.put(CacheTable.VERSION, AttributeValue.fromS(entry.version()));
        item.put(CacheTable.OUTPUT, AttributeValue.fromS(entry.output()));
        item.put(CacheTable.CREATED_AT, AttributeValue.fromN(Long.toString(nowMillis)));
        // DynamoDB's TTL reads epoch seconds
        item.put(CacheTable.TTL, AttributeValue.fromN(Long.toString(nowMillis / 1000 + entry.ttl().toSeconds())));
        return item;
    }

    private static Map<String, AttributeValue> key(String key) {
        return Map.of(CacheTable.KEY, AttributeValue.fromS(key));
    }

    /** Exponential backoff before asking again for what a batch call left unprocessed. */
    private static CompletableFuture<Void> later(int attempt) {
        return CompletableFuture.runAsync(() -> { },
                CompletableFuture.delayedExecutor(BACKOFF_MILLIS << (attempt - 1), TimeUnit.MILLISECONDS));
    }

    /** The failure's type only: an exception's text may quote an output. */
    private static String rootName(Throwable e) {
        while (e.getCause() != null && e.getCause() != e) {
            e = e.getCause();
        }
        return e.getClass().getSimpleName();
    }
}
