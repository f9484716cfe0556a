package dev.inferbus.local.relay;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The byte-for-byte part of a proxy in front of an emulator (the fault proxy, the IAM gateway): reads a request off
 * the JDK server, forwards it with the JDK client, and copies the answer back, streaming bodies both ways.
 *
 * <p>Every end-to-end header is kept as sent (but those a proxy says it consumed), {@code Authorization} and the other
 * SigV4 headers included, and the body is forwarded unchanged (aws-chunked S3 uploads too), so a signed request
 * arrives as signed. {@code Host} is the
 * upstream's: the JDK client sets it from the URI and does not let a caller override it. An upstream that verified
 * signatures would therefore see a different host than the one signed; the emulators verify none.
 */
public final class Relay {

    /** Hop-by-hop headers (RFC 9110 7.6.1) and those the JDK client sets itself from the request it sends. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "content-length", "expect");

    private final HttpClient client;
    private final String upstreamBase;
    private final Set<String> consumed;

    /** A relay that forwards every end-to-end header. */
    public Relay(URI upstream) {
        this(upstream, Set.of());
    }

    /**
     * A relay that also keeps back the headers this proxy consumed itself ({@code consumed}, lower-case): the IAM
     * gateway checks the session token, as AWS's front end does, and s3proxy refuses requests that carry one.
     */
    public Relay(URI upstream, Set<String> consumed) {
        this.consumed = Set.copyOf(consumed);
        String base = upstream.toString();
        this.upstreamBase = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        // HTTP/1.1 only: the default would offer an h2c upgrade, which the emulators need not understand
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** A request read from the server: what is inspected, and the body to forward (inspected part + the rest). */
    public record Incoming(ProxiedRequest request, InputStream body, long contentLength) {
    }

    /** Reads the request line, the headers and at most {@code inspect} bytes of the body; the rest stays a stream. */
    public static Incoming read(HttpExchange exchange, int inspect) throws IOException {
        URI uri = exchange.getRequestURI();
        InputStream in = exchange.getRequestBody();
        // one byte more than is inspected tells whether the body went on
        byte[] head = in.readNBytes(inspect + 1);
        boolean truncated = head.length > inspect;
        byte[] inspected = truncated ? Arrays.copyOf(head, inspect) : head;
        Headers headers = exchange.getRequestHeaders();
        ProxiedRequest request = new ProxiedRequest(exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(),
                headers, inspected, truncated);
        InputStream body = truncated ? new SequenceInputStream(new ByteArrayInputStream(head), in)
                : new ByteArrayInputStream(head);
        long length = truncated ? declaredLength(headers) : head.length;
        return new Incoming(request, body, length);
    }

    /**
     * Sends the request upstream; the answer's body is a stream the caller must read or close.
     *
     * <p>A request whose whole body was read is sent once more, on a new connection, when the first send failed
     * without an answer: the upstream closed the pooled keep-alive connection at the instant it was reused, a race
     * every HTTP/1.1 client meets, and the JDK client retries itself only for GET and HEAD. RFC 9112 9.3.1 forbids
     * retrying a non-idempotent request automatically unless the client can tell it was never applied, which a
     * failure without an answer does not prove; the retry is kept because the alternative is no safer here: the
     * caller would get a 502, and the AWS SDK retries every 5xx, POSTs included. A body still streaming from the
     * client cannot be sent twice; its failure stays that 502.
     */
    public HttpResponse<InputStream> forward(Incoming incoming) throws IOException, InterruptedException {
        try {
            return send(incoming);
        } catch (HttpTimeoutException e) {
            throw e;
        } catch (IOException e) {
            if (incoming.request().bodyTruncated()) {
                throw e;
            }
            return send(incoming);
        }
    }

    private HttpResponse<InputStream> send(Incoming incoming) throws IOException, InterruptedException {
        ProxiedRequest request = incoming.request();
        String query = request.query().isEmpty() ? "" : "?" + request.query();
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(upstreamBase + request.path() + query))
                .method(request.method(), publisher(incoming));
        request.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!NOT_FORWARDED.contains(lower) && !consumed.contains(lower)) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        return client.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private static HttpRequest.BodyPublisher publisher(Incoming incoming) {
        if (incoming.contentLength() == 0) {
            return HttpRequest.BodyPublishers.noBody();
        }
        if (!incoming.request().bodyTruncated()) {
            return HttpRequest.BodyPublishers.ofByteArray(incoming.request().body()); // whole, so it can be sent again
        }
        HttpRequest.BodyPublisher stream = HttpRequest.BodyPublishers.ofInputStream(incoming::body);
        // a known length is kept (it may be signed); an unknown one goes on chunked, as it came
        return incoming.contentLength() > 0 ? HttpRequest.BodyPublishers.fromPublisher(stream, incoming.contentLength())
                : stream;
    }

    /** Copies the upstream's answer to the client: status, end-to-end headers, and the body as it streams in. */
    public static void relay(HttpExchange exchange, HttpResponse<InputStream> response) throws IOException {
        relay(exchange, response, response.body());
    }

    /**
     * Copies the upstream's status and end-to-end headers, with {@code content} as the body: the answer's own body,
     * or the bytes it was read into (unchanged, so its {@code Content-Length} holds).
     */
    public static void relay(HttpExchange exchange, HttpResponse<?> response, InputStream content) throws IOException {
        Headers out = exchange.getResponseHeaders();
        response.headers().map().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                out.put(name, values);
            }
        });
        int status = response.statusCode();
        long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        try (InputStream body = content) {
            if (bodiless(exchange, status)) {
                // the JDK server sends no body here and wants any Content-Length set by hand (a HEAD's object size)
                if (length >= 0 && status != 204 && status >= 200) {
                    out.set("Content-Length", Long.toString(length));
                }
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            // -1: no body; 0: chunked, for a length the upstream did not give
            exchange.sendResponseHeaders(status, length == 0 ? -1 : length < 0 ? 0 : length);
            try (OutputStream client = exchange.getResponseBody()) {
                body.transferTo(client);
            }
        }
    }

    /** Reads the rest of the upload, as a server would before answering, then answers in place of the service. */
    public static void answerInstead(HttpExchange exchange, Incoming incoming, ErrorAnswer answer) throws IOException {
        try (InputStream rest = incoming.body()) {
            rest.transferTo(OutputStream.nullOutputStream());
        }
        answer(exchange, answer);
    }

    /** Answers in place of the service: an injected error, a refusal. */
    public static void answer(HttpExchange exchange, ErrorAnswer answer) throws IOException {
        answer.headers().forEach(exchange.getResponseHeaders()::set);
        byte[] body = answer.body();
        if (bodiless(exchange, answer.status()) || body.length == 0) {
            exchange.sendResponseHeaders(answer.status(), -1);
            return;
        }
        exchange.sendResponseHeaders(answer.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /**
     * Answers the proxy's own failure to reach the upstream: a gateway error, never mistaken for an injected one or
     * for the service's own.
     */
    public static void badGateway(HttpExchange exchange, String proxy, String why) throws IOException {
        answer(exchange, new ErrorAnswer(502, Map.of("Content-Type", "text/plain; charset=utf-8"),
                (proxy + ": the upstream did not answer: " + why).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static boolean bodiless(HttpExchange exchange, int status) {
        return "HEAD".equals(exchange.getRequestMethod()) || status < 200 || status == 204 || status == 304;
    }

    /** The Content-Length the client declared, or -1 when it sent the body chunked. */
    private static long declaredLength(Headers headers) {
        String length = headers.getFirst("Content-Length");
        return length == null ? -1 : Long.parseLong(length.trim());
    }

    public void close() {
        client.close();
    }
}
