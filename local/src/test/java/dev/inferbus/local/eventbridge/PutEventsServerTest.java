package dev.inferbus.local.eventbridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The PutEvents endpoint over plain HTTP: how it refuses a request, and how it refuses one entry of a request. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PutEventsServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<JsonNode> routed = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private PutEventsServer server;

    @BeforeAll
    void start() throws IOException {
        EventRouter router = new EventRouter();
        router.addRule("everything", "{\"source\":[{\"prefix\":\"\"}]}", (event, json) -> routed.add(event));
        server = PutEventsServer.start(0, router, "inferbus", "us-east-1", "123456789012", JSON);
    }

    @BeforeEach
    void forget() {
        routed.clear();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void aBodyDeclaredOverTheLimitIsRefusedBeforeItIsSent() throws IOException {
        try (Socket socket = new Socket(server.endpoint().getHost(), server.endpoint().getPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: AWSEvents.PutEvents\r\n"
                    + "Content-Type: application/x-amz-json-1.1\r\nContent-Length: " + (PutEventsServer.MAX_BODY_BYTES + 1) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            // not a byte of the body is sent: a server that read it before answering would time out here
            String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(status).isEqualTo("HTTP/1.1 413");
        }
    }

    @Test
    void aBodyOverTheLimitIsRefusedUnparsedWhenItsLengthIsNotDeclared() throws Exception {
        byte[] notJson = new byte[PutEventsServer.MAX_BODY_BYTES + 1];
        java.util.Arrays.fill(notJson, (byte) '{');
        HttpResponse<String> response = http.send(request(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(notJson))),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void aBodyOver256KbIsAcceptedWhileItsEntriesAreWithinTheLimit() throws Exception {
        // JSON escapes every quote of a Detail, so the body is larger than what EventBridge counts of the entry
        String detail = "{" + "\"k\":\"v\",".repeat(25_000) + "\"last\":1}";
        ObjectNode body = JSON.createObjectNode();
        body.putArray("Entries").add(entry(detail));
        byte[] bytes = JSON.writeValueAsBytes(body);
        assertThat(bytes.length).isGreaterThan(PutEventsServer.MAX_REQUEST_BYTES);
        assertThat(PutEventsServer.entrySize(body.get("Entries").get(0))).isLessThan(PutEventsServer.MAX_REQUEST_BYTES);

        JsonNode result = put(bytes);

        assertThat(result.path("FailedEntryCount").asInt()).isZero();
        assertThat(routed).hasSize(1);
    }

    @Test
    void anEntryWithATimeThatIsNoTimestampFailsAloneAndTheOthersAreRouted() throws Exception {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode entries = body.putArray("Entries");
        entries.add(entry("{\"n\":1}").put("Time", 1_700_000_000));
        entries.add(entry("{\"n\":2}").put("Time", "yesterday"));
        entries.add(entry("{\"n\":3}").put("Time", "2024-05-01T10:00:00Z"));

        JsonNode result = put(JSON.writeValueAsBytes(body));

        assertThat(result.path("FailedEntryCount").asInt()).isEqualTo(1);
        assertThat(result.path("Entries").get(0).path("EventId").asText()).isNotBlank();
        assertThat(result.path("Entries").get(1).path("ErrorCode").asText()).isEqualTo("InvalidArgument");
        assertThat(result.path("Entries").get(1).path("ErrorMessage").asText()).contains("Time");
        assertThat(result.path("Entries").get(1).has("EventId")).isFalse();
        assertThat(result.path("Entries").get(2).path("EventId").asText()).isNotBlank();
        assertThat(routed).extracting(e -> e.path("detail").path("n").asInt() + " " + e.path("time").asText())
                .containsExactly("1 2023-11-14T22:13:20Z", "3 2024-05-01T10:00:00Z");
    }

    private static ObjectNode entry(String detail) {
        return JSON.createObjectNode().put("Source", "app.test").put("DetailType", "Test").put("Detail", detail)
                .put("EventBusName", "inferbus");
    }

    private JsonNode put(byte[] body) throws Exception {
        HttpResponse<InputStream> response = http.send(request(HttpRequest.BodyPublishers.ofByteArray(body)),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            JsonNode json = JSON.readTree(in);
            assertThat(response.statusCode()).as(String.valueOf(json)).isEqualTo(200);
            return json;
        }
    }

    private HttpRequest request(HttpRequest.BodyPublisher body) {
        return HttpRequest.newBuilder(server.endpoint()).header("X-Amz-Target", "AWSEvents.PutEvents")
                .header("Content-Type", "application/x-amz-json-1.1").POST(body).build();
    }
}
