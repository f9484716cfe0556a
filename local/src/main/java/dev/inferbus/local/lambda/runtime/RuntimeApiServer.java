package dev.inferbus.local.lambda.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Lambda's Runtime API, version 2018-06-01, for ONE execution environment, on 127.0.0.1 and a free port
 * (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html).
 *
 * <p>One server per environment rather than one multiplexed server: a runtime only knows
 * {@code AWS_LAMBDA_RUNTIME_API=host:port} and the API's paths carry no environment, so the port is the identity. It also
 * gives Lambda's isolation for free: a runtime can only answer the invocations handed to it.
 *
 * <p>Each request runs on its own virtual thread, so a runtime's long-polling {@code next} (the docs: "do not set a
 * timeout on the GET request") blocks nothing else. What the runtime says goes to the {@link Listener}; what to hand it
 * comes through {@link #dispatch}.
 */
public final class RuntimeApiServer implements AutoCloseable {

    static final String BASE = "/2018-06-01/runtime/";
    static final String ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type";
    private static final byte[] ACCEPTED = "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8);

    /** What a runtime tells its environment. Calls come from the server's threads, before the runtime gets its answer. */
    public interface Listener {

        /** {@code GET /invocation/next} arrived: the runtime is done with Init or with its last invocation. */
        void nextRequested();

        /** The invocation is being written to the runtime's {@code next}. */
        void invocationDelivered(String requestId);

        /** {@code POST /invocation/{id}/response}. */
        Ack responded(String requestId, byte[] body);

        /** {@code POST /invocation/{id}/error}, with its {@value #ERROR_TYPE_HEADER} header (may be null). */
        Ack errored(String requestId, String errorTypeHeader, byte[] body);

        /** {@code POST /init/error}, with its {@value #ERROR_TYPE_HEADER} header (may be null). */
        Ack initErrored(String errorTypeHeader, byte[] body);
    }

    /** How the API answers a runtime's post, as Lambda's API does (its emulator's handlers, aws-lambda-runtime-interface-emulator). */
    public enum Ack {
        /** 202 {@code {"status":"OK"}}. */
        ACCEPTED(202, null, null),
        /** 400: not the id of the invocation the runtime holds. */
        INVALID_REQUEST_ID(400, "InvalidRequestID", "Invalid request ID"),
        /** 413: a response over Lambda's 6291556-byte limit for synchronous invocations. */
        PAYLOAD_TOO_LARGE(413, "RequestEntityTooLarge", "Exceeded maximum allowed payload size (6291556 bytes)."),
        /** 403: the post does not fit the environment's state (an init error after Init, say). */
        INVALID_STATE(403, "InvalidStateTransition", "State transition is not allowed");

        final int status;
        final String errorType;
        final String errorMessage;

        Ack(int status, String errorType, String errorMessage) {
            this.status = status;
            this.errorType = errorType;
            this.errorMessage = errorMessage;
        }
    }

    /**
     * One invocation for the runtime's {@code next}.
     *
     * @param deadlineEpochMs {@code Lambda-Runtime-Deadline-Ms}: the runtime's {@code getRemainingTimeInMillis} counts down
     *                        to it
     */
    public record Invocation(String requestId, byte[] payload, long deadlineEpochMs, String invokedFunctionArn,
            String traceId) {
    }

    private final HttpServer http;
    private final ExecutorService handlers;
    private final Listener listener;
    private final BlockingQueue<Invocation> pending = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    private RuntimeApiServer(HttpServer http, ExecutorService handlers, Listener listener) {
        this.http = http;
        this.handlers = handlers;
        this.listener = listener;
    }

    public static RuntimeApiServer start(Listener listener) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        ExecutorService handlers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("runtime-api-", 0).factory());
        RuntimeApiServer server = new RuntimeApiServer(http, handlers, listener);
        http.setExecutor(handlers);
        http.createContext(BASE, server::handle);
        http.start();
        return server;
    }

    /** {@code AWS_LAMBDA_RUNTIME_API}. */
    public String address() {
        return "127.0.0.1:" + http.getAddress().getPort();
    }

    /** Hands an invocation to the runtime's current or next {@code GET /invocation/next}. */
    public void dispatch(Invocation invocation) {
        pending.add(invocation);
    }

    /**
     * Closes the port and every connection: a runtime blocked in {@code next} sees its connection drop, which ends the
     * Java runtime interface client (a failed {@code next} is fatal to its loop).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        http.stop(0);
        handlers.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(BASE.length());
            String method = exchange.getRequestMethod();
            if (method.equals("GET") && path.equals("invocation/next")) {
                next(exchange);
            } else if (method.equals("POST") && path.equals("init/error")) {
                reply(exchange, listener.initErrored(errorType(exchange), body(exchange)));
            } else if (method.equals("POST") && path.startsWith("invocation/") && path.endsWith("/response")) {
                String requestId = path.substring("invocation/".length(), path.length() - "/response".length());
                reply(exchange, listener.responded(requestId, body(exchange)));
            } else if (method.equals("POST") && path.startsWith("invocation/") && path.endsWith("/error")) {
                String requestId = path.substring("invocation/".length(), path.length() - "/error".length());
                reply(exchange, listener.errored(requestId, errorType(exchange), body(exchange)));
            } else {
                send(exchange, 404, error("NotFound", "No route for " + method + " " + exchange.getRequestURI().getPath()));
            }
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        listener.nextRequested();
        Invocation invocation = null;
        try {
            while (invocation == null) {
                if (closed) {
                    return;
                }
                invocation = pending.poll(200, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        listener.invocationDelivered(invocation.requestId());
        // The Java client's native code reads Content-Type without a null check: a response without one crashes its JVM.
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/json");
        headers.set("Lambda-Runtime-Aws-Request-Id", invocation.requestId());
        headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(invocation.deadlineEpochMs()));
        headers.set("Lambda-Runtime-Invoked-Function-Arn", invocation.invokedFunctionArn());
        headers.set("Lambda-Runtime-Trace-Id", invocation.traceId());
        byte[] payload = invocation.payload();
        exchange.sendResponseHeaders(200, payload.length == 0 ? -1 : payload.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(payload);
        }
    }

    private static void reply(HttpExchange exchange, Ack ack) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(exchange, ack.status, ack == Ack.ACCEPTED ? ACCEPTED : error(ack.errorType, ack.errorMessage));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] error(String errorType, String errorMessage) {
        return ErrorDocuments.JSON.createObjectNode().put("errorMessage", errorMessage).put("errorType", errorType)
                .toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String errorType(HttpExchange exchange) {
        return exchange.getRequestHeaders().getFirst(ERROR_TYPE_HEADER);
    }

    private static byte[] body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return in.readAllBytes();
        }
    }
}
