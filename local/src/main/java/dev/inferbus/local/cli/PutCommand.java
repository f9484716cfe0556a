package dev.inferbus.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.local.cloud.AwsClients;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * {@code put [--endpoint URL | --aws] [--bus NAME] FILE…}: puts event files on the bus of a running
 * {@code ./inferbus up} (default {@code http://127.0.0.1:4010}) or, with {@code --aws}, on the deployed bus with
 * the default AWS credentials and region. A file holds one event ({@code source}, {@code detail-type},
 * {@code detail}, as in {@code events/samples/}) or a list of them. Exit 1 if any entry was refused.
 */
final class PutCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final PrintStream err;

    PutCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) throws Exception {
        URI endpoint = dev.inferbus.local.emulators.Emulator.loopback(dev.inferbus.local.cloud.LocalCloud.DEFAULT_PORTS.get("events"));
        boolean aws = false;
        String bus = null;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--endpoint" -> endpoint = URI.create(args[++i]);
                case "--aws" -> aws = true;
                case "--bus" -> bus = args[++i];
                default -> files.add(Path.of(args[i]));
            }
        }
        if (files.isEmpty()) {
            err.println("usage: ./inferbus put [--endpoint URL | --aws] [--bus NAME] FILE...");
            return 2;
        }
        String busName = bus != null ? bus : CatalogLoader.loadClasspath().bus();
        List<PutEventsRequestEntry> entries = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path file : files) {
            JsonNode content = JSON.readTree(file.toFile());
            for (JsonNode event : content.isArray() ? content : List.of(content)) {
                entries.add(PutEventsRequestEntry.builder().eventBusName(busName)
                        .source(event.path("source").asText("inferbus.cli"))
                        .detailType(event.path("detail-type").asText("InferenceRequested"))
                        .detail(event.path("detail").toString()).build());
                names.add(file.getFileName().toString());
            }
        }
        int refused = 0;
        try (EventBridgeClient events = aws ? EventBridgeClient.create()
                : AwsClients.configure(EventBridgeClient.builder(), endpoint).build()) {
            for (int from = 0; from < entries.size(); from += 10) {
                List<PutEventsRequestEntry> batch = entries.subList(from, Math.min(from + 10, entries.size()));
                PutEventsResponse response = events.putEvents(b -> b.entries(batch));
                for (int k = 0; k < batch.size(); k++) {
                    var result = response.entries().get(k);
                    if (result.errorCode() != null) {
                        refused++;
                        err.printf("%s: refused: %s %s%n", names.get(from + k), result.errorCode(), result.errorMessage());
                    } else {
                        out.printf("%s: eventId=%s%n", names.get(from + k), result.eventId());
                    }
                }
            }
        }
        return refused == 0 ? 0 : 1;
    }
}
