package dev.inferbus.local.eventbridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import dev.inferbus.local.emulators.Emulator;
import dev.inferbus.local.emulators.HttpReplies;

/**
 * EventBridge's {@code PutEvents} (AWS JSON 1.1, {@code X-Amz-Target: AWSEvents.PutEvents}) on loopback: the
 * request and response shapes, the 10-entry and 256 KB limits and the per-entry error codes of AWS. Each
 * accepted entry becomes a full event (id, time, account, region) and goes to the {@link EventRouter} when it
 * is for this bus; entries for other buses are accepted and, having no rules here, go nowhere.
 */
public final class PutEventsServer implements Emulator {

    public static final int MAX_ENTRIES = 10;
    public static final int MAX_REQUEST_BYTES = 256 * 1024;
    private static final String JSON_11 = "application/x-amz-json-1.1";

    private final ObjectMapper json;
    private final HttpServer server;
    private final ExecutorService executor;
    private final EventRouter router;
    private final String busName;
    private final String region;
    private final String account;
    private volatile double resultFailureRate;
    private final java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    private final java.util.concurrent.atomic.AtomicLong injectedFailures = new java.util.concurrent.atomic.AtomicLong();

    private PutEventsServer(ObjectMapper json, HttpServer server, ExecutorService executor, EventRouter router,
                            String busName, String region, String account) {
        this.json = json;
        this.server = server;
        this.executor = executor;
        this.router = router;
        this.busName = busName;
        this.region = region;
        this.account = account;
    }

    public static PutEventsServer start(int port, EventRouter router, String busName, String region, String account,
                                        ObjectMapper json) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        ExecutorService executor = Executors.newFixedThreadPool(4, Thread.ofPlatform().name("put-events-", 0).daemon().factory());
        PutEventsServer events = new PutEventsServer(json, server, executor, router, busName, region, account);
        server.createContext("/", events::handle);
        server.setExecutor(executor);
        server.start();
        return events;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (!"POST".equals(exchange.getRequestMethod()) || !"AWSEvents.PutEvents".equals(target)) {
                error(exchange, 400, "UnknownOperationException",
                        "this local EventBridge serves AWSEvents.PutEvents only, got " + target);
                return;
            }
            JsonNode request;
            try {
                request = json.readTree(exchange.getRequestBody());
            } catch (JsonProcessingException e) {
                error(exchange, 400, "SerializationException", "the request body is not JSON");
                return;
            }
            JsonNode entries = request == null ? null : request.get("Entries");
            if (entries == null || !entries.isArray() || entries.isEmpty()) {
                error(exchange, 400, "ValidationException",
                        "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null");
                return;
            }
            if (entries.size() > MAX_ENTRIES) {
                error(exchange, 400, "ValidationException", "1 validation error detected: Value '" + entries.size()
                        + " entries' at 'entries' failed to satisfy constraint: Member must have length less than or equal to " + MAX_ENTRIES);
                return;
            }
            long size = 0;
            for (JsonNode entry : entries) {
                size += entrySize(entry);
            }
            if (size > MAX_REQUEST_BYTES) {
                error(exchange, 400, "ValidationException", "Total size of the entries in the request is over the limit.");
                return;
            }
            ObjectNode response = json.createObjectNode();
            ArrayNode results = response.putArray("Entries");
            int failed = 0;
            for (JsonNode entry : entries) {
                ObjectNode result = results.addObject();
                String problem = accept(entry, result);
                if (problem != null) {
                    failed++;
                }
            }
            response.put("FailedEntryCount", failed);
            reply(exchange, 200, response);
        }
    }

    /** Fills the entry's result; returns an error code, or null when the event was accepted. */
    private String accept(JsonNode entry, ObjectNode result) {
        for (String field : new String[] {"Source", "DetailType", "Detail"}) {
            JsonNode value = entry.get(field);
            if (value == null || !value.isTextual() || value.asText().isEmpty()) {
                return fail(result, "InvalidArgument", "Parameter " + field + " is not valid. Reason: " + field + " is a required argument.");
            }
        }
        JsonNode detail;
        try {
            detail = json.readTree(entry.get("Detail").asText());
        } catch (JsonProcessingException e) {
            detail = null;
        }
        if (detail == null || !detail.isObject()) {
            return fail(result, "MalformedDetail", "Detail is malformed.");
        }
        String bus = entry.path("EventBusName").asText("default");
        if (bus.startsWith("arn:")) {
            bus = bus.substring(bus.lastIndexOf('/') + 1);
        }
        if (!bus.equals(busName) && !bus.equals("default")) {
            return fail(result, "ResourceNotFoundException", "Event bus " + bus + " does not exist.");
        }
        if (resultFailureRate > 0 && dev.inferbus.events.contract.DetailType.RESULT_SOURCE.equals(entry.get("Source").asText())
                && failNow()) {
            injectedFailures.incrementAndGet();
            return fail(result, "InternalFailure", "injected: the entry was not put");
        }
        String id = UUID.randomUUID().toString();
        ObjectNode event = json.createObjectNode();
        event.put("version", "0");
        event.put("id", id);
        event.put("detail-type", entry.get("DetailType").asText());
        event.put("source", entry.get("Source").asText());
        event.put("account", account);
        event.put("time", time(entry.get("Time")).toString());
        event.put("region", region);
        ArrayNode resources = event.putArray("resources");
        entry.path("Resources").forEach(resources::add);
        event.set("detail", detail);
        result.put("EventId", id);
        if (bus.equals(busName)) {
            router.route(event);
        }
        return null;
    }

    /**
     * Fault injection: fails this fraction of the result events (source {@code inferbus}) put by the functions
     * with {@code InternalFailure}, as a partial failure of their PutEvents call (FailedEntryCount > 0).
     */
    public void failResultEntries(double rate) {
        this.resultFailureRate = rate;
    }

    public long injectedFailures() {
        return injectedFailures.get();
    }

    private boolean failNow() {
        synchronized (random) {
            return random.nextDouble() < resultFailureRate;
        }
    }

    private static Instant time(JsonNode time) {
        Instant at = time != null && time.isNumber()
                ? Instant.ofEpochMilli((long) (time.asDouble() * 1000))
                : time != null && time.isTextual() ? Instant.parse(time.asText()) : Instant.now();
        return at.truncatedTo(ChronoUnit.SECONDS);
    }

    /** An entry's size as EventBridge counts it: time, source, detail type, detail and resources, in UTF-8. */
    static long entrySize(JsonNode entry) {
        long size = entry.has("Time") ? 14 : 0;
        for (String field : new String[] {"Source", "DetailType", "Detail"}) {
            size += entry.path(field).asText("").getBytes(StandardCharsets.UTF_8).length;
        }
        for (JsonNode resource : entry.path("Resources")) {
            size += resource.asText("").getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }

    private static String fail(ObjectNode result, String code, String message) {
        result.put("ErrorCode", code);
        result.put("ErrorMessage", message);
        return code;
    }

    private void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        reply(exchange, status, json.createObjectNode().put("__type", type).put("message", message));
    }

    private void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
        HttpReplies.send(exchange, status, JSON_11, json.writeValueAsBytes(body), java.util.Map.of());
    }

    @Override
    public String service() {
        return "events";
    }

    @Override
    public URI endpoint() {
        return Emulator.loopback(server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
