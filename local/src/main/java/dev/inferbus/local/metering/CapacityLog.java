package dev.inferbus.local.metering;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * The DynamoDB request units each principal's successful calls consumed, as on-demand mode bills them
 * (https://aws.amazon.com/dynamodb/pricing/on-demand/, "Key terms"): a write 1 unit per 1 KB of the item (rounded up),
 * a strongly consistent read 1 unit per 4 KB (an eventually consistent one half that), a read finding nothing still
 * 1 (or ½); a batch's items each rounded on their own, a Query's or Scan's items rounded together
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html). Item sizes follow
 * {@link ItemSize}.
 *
 * <p>An UpdateItem or DeleteItem is billed by the larger of the item before and after it; the request does not carry the
 * item, so the log remembers the size of each item it saw written (by table and key, the key schema read from the
 * CreateTable calls it saw) and takes the larger of that and what the answer returns. An update of an item it never
 * saw counts 1 unit and is counted in {@link Units#unsized}. Failed conditional writes, which DynamoDB also bills, are
 * not seen here (the gateway reads successful answers only).
 */
public final class CapacityLog {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double WRITE_UNIT = 1024;
    private static final double READ_UNIT = 4096;
    /** Remembered item sizes: enough for a long soak's rows, bounded so that it cannot grow without end. */
    private static final int REMEMBERED = 200_000;

    /** Request units consumed; {@code unsized} writes are those billed 1 unit for want of the item's size. */
    public record Units(double writes, double reads, long unsized) {
    }

    private record Tally(DoubleAdder writes, DoubleAdder reads, DoubleAdder unsized) {
        Tally() {
            this(new DoubleAdder(), new DoubleAdder(), new DoubleAdder());
        }
    }

    private final Map<String, Tally> byPrincipal = new ConcurrentHashMap<>();
    private final Map<String, List<String>> keySchemas = new ConcurrentHashMap<>();
    private final Map<String, Long> sizes = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > REMEMBERED;
        }
    });

    /** Records one successful DynamoDB call of {@code principal}: its operation, request body and answer body. */
    public void record(String principal, String operation, byte[] request, byte[] answer) {
        JsonNode in;
        JsonNode out;
        try {
            in = JSON.readTree(request);
            out = answer.length == 0 ? JSON.createObjectNode() : JSON.readTree(answer);
        } catch (IOException e) {
            return;
        }
        if (in == null || out == null) {
            return;
        }
        Tally tally = byPrincipal.computeIfAbsent(principal, p -> new Tally());
        String table = in.path("TableName").asText();
        switch (operation) {
            case "CreateTable" -> {
                List<String> keys = new ArrayList<>();
                in.path("KeySchema").forEach(k -> keys.add(k.path("AttributeName").asText()));
                keySchemas.put(table, List.copyOf(keys));
            }
            case "PutItem" -> tally.writes().add(written(table, in.path("Item")));
            case "UpdateItem", "DeleteItem" -> {
                String key = key(table, in.path("Key"));
                Long before = sizes.get(key);
                long after = out.has("Attributes") ? ItemSize.of(out.path("Attributes")) : 0;
                if (before == null && after == 0) {
                    tally.writes().add(1);
                    tally.unsized().add(1);
                } else {
                    tally.writes().add(writeUnits(Math.max(before == null ? 0 : before, after)));
                }
                if (operation.equals("DeleteItem")) {
                    sizes.remove(key);
                } else if (after > 0 && "ALL_NEW".equals(in.path("ReturnValues").asText())) {
                    sizes.put(key, after);
                }
            }
            case "GetItem" -> tally.reads().add(readUnits(out.has("Item") ? ItemSize.of(out.path("Item")) : 0,
                    in.path("ConsistentRead").asBoolean(false)));
            case "BatchGetItem" -> out.path("Responses").fields().forEachRemaining(t -> {
                boolean consistent = in.path("RequestItems").path(t.getKey()).path("ConsistentRead").asBoolean(false);
                t.getValue().forEach(item -> tally.reads().add(readUnits(ItemSize.of(item), consistent)));
            });
            case "BatchWriteItem" -> in.path("RequestItems").fields().forEachRemaining(t -> t.getValue().forEach(write -> {
                if (write.has("PutRequest")) {
                    tally.writes().add(written(t.getKey(), write.path("PutRequest").path("Item")));
                } else {
                    Long before = sizes.remove(key(t.getKey(), write.path("DeleteRequest").path("Key")));
                    tally.writes().add(before == null ? 1 : writeUnits(before));
                }
            }));
            case "Query", "Scan" -> {
                long bytes = 0;
                for (JsonNode item : out.path("Items")) {
                    bytes += ItemSize.of(item);
                }
                tally.reads().add(readUnits(bytes, in.path("ConsistentRead").asBoolean(false)));
            }
            default -> {
                // control-plane calls (DescribeTable, UpdateTimeToLive...) are not billed in request units
            }
        }
    }

    /** The units of a put of {@code item}, whose size is remembered for the updates of it that follow. */
    private double written(String table, JsonNode item) {
        long size = ItemSize.of(item);
        List<String> keyNames = keySchemas.get(table);
        if (keyNames != null) {
            sizes.put(key(table, keyOf(item, keyNames)), size);
        }
        return writeUnits(size);
    }

    private static JsonNode keyOf(JsonNode item, List<String> keyNames) {
        var key = JSON.createObjectNode();
        keyNames.forEach(name -> key.set(name, item.path(name)));
        return key;
    }

    /** A table and key as one string, the key's attributes in name order whatever order they came in. */
    private static String key(String table, JsonNode key) {
        Map<String, String> sorted = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = key.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> attribute = it.next();
            sorted.put(attribute.getKey(), attribute.getValue().toString());
        }
        return table + sorted;
    }

    static double writeUnits(long bytes) {
        return Math.max(1, Math.ceil(bytes / WRITE_UNIT));
    }

    static double readUnits(long bytes, boolean consistent) {
        double units = Math.max(1, Math.ceil(bytes / READ_UNIT));
        return consistent ? units : units / 2;
    }

    /** The units so far, per principal ARN. */
    public Map<String, Units> units() {
        Map<String, Units> snapshot = new TreeMap<>();
        byPrincipal.forEach((principal, t) -> snapshot.put(principal, new Units(t.writes().sum(), t.reads().sum(),
                (long) t.unsized().sum())));
        return snapshot;
    }
}
