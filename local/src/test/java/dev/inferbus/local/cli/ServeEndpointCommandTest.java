package dev.inferbus.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The model container's server has no authentication: it listens on loopback unless {@code --bind} says otherwise. */
class ServeEndpointCommandTest {

    private final ModelSpec model = CatalogLoader.loadClasspath().find("document-embedder").orElseThrow();

    @Test
    void servesOnLoopbackByDefault() throws Exception {
        try (ServeEndpointCommand.Serving serving = ServeEndpointCommand.serve(model, options("document-embedder", "--port", "0"))) {
            assertThat(serving.address().getAddress().isLoopbackAddress()).as(serving.address().toString()).isTrue();
            HttpResponse<String> ping = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + serving.address().getPort() + "/ping")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ping.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void bindsTheAddressGiven() throws Exception {
        try (ServeEndpointCommand.Serving serving = ServeEndpointCommand.serve(model,
                options("document-embedder", "--port", "0", "--bind", "0.0.0.0"))) {
            assertThat(serving.address().getAddress().isAnyLocalAddress()).as(serving.address().toString()).isTrue();
        }
    }

    @Test
    void anUnknownOptionPrintsTheUsageAndExitsTwo() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"serve-endpoint", "document-embedder", "--host", "0.0.0.0"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--bind");
    }

    private static ServeEndpointCommand.Options options(String... args) {
        ServeEndpointCommand command = new ServeEndpointCommand();
        new CommandLine(command).parseArgs(args);
        return command.options();
    }
}
