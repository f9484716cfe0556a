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
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import dev.inferbus.local.emulators.Emulator;
import dev.inferbus.local.iam.gateway.services.Arns;
import dev.inferbus.local.emulators.HttpReplies;

/**
 * The local EventBridge on loopback (AWS JSON 1.1, {@code X-Amz-Target: AWSEvents.<Operation>}). {@code PutEvents}
 * with the request and response shapes, the 10-entry and 256 KB limits and the per-entry error codes of AWS: each
 * accepted entry becomes a full event (id, time, account, region) and goes to the {@link EventRouter} when it is for
 * this bus; entries for other buses are accepted and, having no rules here, go nowhere. Beside it the control plane a
 * replay needs ({@link BusOperations}: the bus, its rules and archives; {@link ReplayOperations}: the replays, run by
 * {@link Replays}); any other operation is refused as unknown.
 */
public final class PutEventsServer implements Emulator {

    public static final int MAX_ENTRIES = 10;
    /**
     * The total entry size a request may have, counted as {@link #entrySize} does
     * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html).
     */
    public static final int MAX_REQUEST_BYTES = 256 * 1024;
    /**
     * The most body a request within {@link #MAX_REQUEST_BYTES} can take on the wire: JSON writes a byte as six at
     * most (a control character's escape), and each entry adds field names and fields the entry size leaves out
     * (EventBusName, TraceHeader). A larger body is refused before it is read through or parsed.
     */
    static final int MAX_BODY_BYTES = 6 * MAX_REQUEST_BYTES + 64 * 1024;
    private static final String JSON_11 = "application/x-amz-json-1.1";
    private static final String TARGET_PREFIX = "AWSEvents.";

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
    private final Replays replays;
    /** The operations beside PutEvents, by name. */
    private final Map<String, Operation> controlPlane = new HashMap<>();

    private PutEventsServer(ObjectMapper json, HttpServer server, ExecutorService executor, EventRouter router,
                            String busName, String region, String account) {
        this.json = json;
        this.server = server;
        this.executor = executor;
        this.router = router;
        this.busName = busName;
        this.region = region;
        this.account = account;
        this.replays = new Replays(router, json);
        controlPlane.putAll(new BusOperations(router, json, busName, new Arns(region, account)).operations());
        controlPlane.putAll(new ReplayOperations(router, replays, json, new Arns(region, account)).operations());
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
            String operation = target != null && target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length()) : "";
            if (!"POST".equals(exchange.getRequestMethod())
                    || !(operation.equals("PutEvents") || controlPlane.containsKey(operation))) {
                error(exchange, 400, "UnknownOperationException", "this local EventBridge serves PutEvents, "
                        + String.join(", ", new java.util.TreeSet<>(controlPlane.keySet())) + "; got " + target);
                return;
            }
            byte[] body = boundedBody(exchange);
            if (body == null) {
                // AWS's front end answers an oversized PutEvents body this way, before EventBridge sees it:
                // status 413, no body, connection closed (https://github.com/boto/boto3/issues/3411)
                exchange.getResponseHeaders().set("Connection", "close");
                exchange.sendResponseHeaders(413, -1);
                return;
            }
            JsonNode request;
            try {
                request = body.length == 0 ? json.createObjectNode() : json.readTree(body);
            } catch (JsonProcessingException e) {
                error(exchange, 400, "SerializationException", "the request body is not JSON");
                return;
            }
            if (!operation.equals("PutEvents")) {
                try {
                    reply(exchange, 200, controlPlane.get(operation).answer(request == null ? json.createObjectNode() : request));
                } catch (EventBridgeError e) {
                    error(exchange, e.status(), e.code(), e.getMessage());
                }
                return;
            }
            putEvents(exchange, request);
        }
    }

    private void putEvents(HttpExchange exchange, JsonNode request) throws IOException {
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
        Instant time = time(entry.get("Time"));
        if (time == null) {
            // a bad entry fails alone, with a code of PutEventsResultEntry ("InvalidArgument: A specified parameter is
            // not valid", https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html),
            // and "EventBridge continues processing the rest of the entries in the request"
            // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevents.html)
            return fail(result, "InvalidArgument", "Parameter Time is not valid. Reason: " + entry.get("Time") + " is not a timestamp.");
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
        event.put("time", time.toString());
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

    /**
     * An entry's time, now when it has none, null when it is no timestamp. The SDKs and the CLI send epoch seconds, a
     * JSON number, as the AWS JSON 1.1 protocol writes timestamps
     * (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html); ISO-8601 text is taken too, for requests
     * written by hand.
     */
    private static Instant time(JsonNode time) {
        if (time == null || time.isNull()) {
            return Instant.now().truncatedTo(ChronoUnit.SECONDS);
        }
        if (time.isNumber()) {
            return Instant.ofEpochMilli((long) (time.asDouble() * 1000)).truncatedTo(ChronoUnit.SECONDS);
        }
        try {
            return time.isTextual() ? Instant.parse(time.asText()).truncatedTo(ChronoUnit.SECONDS) : null;
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** The request body, or null when it is over {@link #MAX_BODY_BYTES}: by its Content-Length, unread, or once that much is read. */
    private static byte[] boundedBody(HttpExchange exchange) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null && Long.parseLong(declared.trim()) > MAX_BODY_BYTES) {
            return null;
        }
        byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
        return body.length > MAX_BODY_BYTES ? null : body;
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
        replays.close();
    }
}
