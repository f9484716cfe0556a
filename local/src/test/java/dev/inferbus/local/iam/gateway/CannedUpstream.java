package dev.inferbus.local.iam.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The smallest stand-in for the services the gateway tests need no emulator for: answers the few operations they
 * call with a valid response (Kinesis iterators name their stream and count up), and counts what reached it.
 */
final class CannedUpstream implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    final AtomicInteger served = new AtomicInteger();

    CannedUpstream() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::answer);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] request = exchange.getRequestBody().readAllBytes();
            served.incrementAndGet();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String path = exchange.getRequestURI().getPath();
            if ("Kinesis_20131202.GetShardIterator".equals(target)) {
                JsonNode body = JSON.readTree(request);
                send(exchange, "application/x-amz-json-1.1", "{\"ShardIterator\":\"" + body.path("StreamName").asText() + "-1\"}");
            } else if ("Kinesis_20131202.GetRecords".equals(target)) {
                String iterator = JSON.readTree(request).path("ShardIterator").asText();
                int dash = iterator.lastIndexOf('-');
                String next = iterator.substring(0, dash + 1) + (Integer.parseInt(iterator.substring(dash + 1)) + 1);
                send(exchange, "application/x-amz-json-1.1",
                        "{\"Records\":[],\"NextShardIterator\":\"" + next + "\",\"MillisBehindLatest\":0}");
            } else if ("AWSEvents.PutEvents".equals(target)) {
                send(exchange, "application/x-amz-json-1.1", "{\"FailedEntryCount\":0,\"Entries\":[{\"EventId\":\"e-1\"}]}");
            } else if ("AWSEvents.StartReplay".equals(target) || "AWSEvents.DescribeReplay".equals(target)) {
                send(exchange, "application/x-amz-json-1.1", "{\"State\":\"STARTING\"}");
            } else if (path.startsWith("/endpoints/")) {
                send(exchange, "application/json", "{\"embedding\":[0.5]}");
            } else {
                // SNS Publish, the only query call the tests make
                send(exchange, "text/xml", "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult>"
                        + "<MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId>"
                        + "</ResponseMetadata></PublishResponse>");
            }
        }
    }

    private static void send(HttpExchange exchange, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
