package dev.inferbus.local.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay against an upstream that closes each keep-alive connection when a second request arrives on it, without
 * answering: what a server's idle timeout does to a pooled connection at the instant the client reuses it (CI saw it
 * as a 502 on an S3 PutObject through the IAM gateway).
 */
class RelayTest {

    private ClosingUpstream upstream;
    private Relay relay;

    @BeforeEach
    void start() throws IOException {
        upstream = new ClosingUpstream();
        relay = new Relay(upstream.uri());
    }

    @AfterEach
    void stop() throws IOException {
        relay.close();
        upstream.close();
    }

    @Test
    void aWholeBodyIsSentAgainOnANewConnectionWhenThePooledOneWasClosed() throws Exception {
        assertThat(answer(relay.forward(post("first", false)))).isEqualTo("ok first");

        assertThat(answer(relay.forward(post("second", false)))).isEqualTo("ok second");
        assertThat(upstream.received).containsExactly("first", "second (closed unanswered)", "second");
    }

    @Test
    void aBodyStillStreamingIsNotSentTwiceAndTheFailureReachesTheCaller() throws Exception {
        assertThat(answer(relay.forward(post("first", false)))).isEqualTo("ok first");

        assertThatThrownBy(() -> relay.forward(post("second", true))).isInstanceOf(IOException.class);
        assertThat(upstream.received).containsExactly("first", "second (closed unanswered)");
    }

    private static Relay.Incoming post(String body, boolean streaming) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        // a streaming body is one whose inspected head is all the proxy holds; here the head is the whole of it
        ProxiedRequest request = new ProxiedRequest("POST", "/", "", Map.of("Content-Type", List.of("text/plain")),
                bytes, streaming);
        return new Relay.Incoming(request, new ByteArrayInputStream(bytes), bytes.length);
    }

    private static String answer(HttpResponse<InputStream> response) throws IOException {
        try (InputStream body = response.body()) {
            assertThat(response.statusCode()).isEqualTo(200);
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Answers the first request on each connection, keeping it alive, and closes it unanswered on the second. */
    private static final class ClosingUpstream implements AutoCloseable {
        final List<String> received = new CopyOnWriteArrayList<>();
        private final ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        private final Thread acceptor = Thread.ofVirtual().start(this::accept);

        ClosingUpstream() throws IOException {
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getLocalPort());
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket connection = server.accept();
                    Thread.ofVirtual().start(() -> serve(connection));
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private void serve(Socket connection) {
            try (connection) {
                InputStream in = connection.getInputStream();
                String first = readBody(in);
                received.add(first);
                OutputStream out = connection.getOutputStream();
                byte[] answer = ("ok " + first).getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + answer.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(answer);
                out.flush();
                String second = readBody(in);
                if (second != null) {
                    received.add(second + " (closed unanswered)");
                }
            } catch (IOException e) {
                // the relay went away
            }
        }

        /** One request's body (its Content-Length), or null at the end of the connection. */
        private static String readBody(InputStream in) throws IOException {
            int length = -1;
            String line;
            while ((line = readLine(in)) != null && !line.isEmpty()) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            if (line == null) {
                return null;
            }
            return new String(in.readNBytes(Math.max(length, 0)), StandardCharsets.UTF_8);
        }

        private static String readLine(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n') {
                    return line.toString().stripTrailing();
                }
                line.append((char) c);
            }
            return line.isEmpty() ? null : line.toString();
        }

        @Override
        public void close() throws IOException {
            server.close();
            acceptor.interrupt();
        }
    }
}
