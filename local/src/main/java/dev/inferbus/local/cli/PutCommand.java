package dev.inferbus.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.local.cloud.AwsClients;
import dev.inferbus.local.cloud.LocalCloud;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * {@code put [--endpoint URL | --aws] [--bus NAME] FILE…}: puts event files on the bus of a running
 * {@code ./inferbus up} (default {@code https://127.0.0.1:4010}, signed with the keys of its {@code producer.env}) or, with {@code --aws}, on the deployed bus with
 * the default AWS credentials and region. A file holds one event ({@code source}, {@code detail-type},
 * {@code detail}, as in {@code events/samples/}) or a list of them. Exit 1 if any entry was refused.
 */
@Command(name = "put", defaultValueProvider = PutCommand.Defaults.class,
        description = {"Put event files on a running 'up' or, with --aws, on AWS.",
                "A file holds one event (source, detail-type, detail, as in events/samples/) or a list of them. "
                        + "Exit 1 if any entry was refused."})
final class PutCommand extends CliCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--endpoint", paramLabel = "URL", description = "the PutEvents endpoint of a running ./inferbus up (default: ${DEFAULT-VALUE})")
    URI endpoint;

    @Option(names = "--aws", description = "put on the deployed bus, with the default AWS credentials and region (not with --endpoint)")
    boolean aws;

    @Option(names = "--env-file", paramLabel = "FILE", description = "the keys and CA bundle to sign and connect with "
            + "(AWS_ACCESS_KEY_ID=…, AWS_SECRET_ACCESS_KEY=…, AWS_CA_BUNDLE=… lines, as 'up' writes them to producer.env); "
            + "default: the running up's producer.env, else the environment")
    Path envFile;

    @Option(names = "--bus", paramLabel = "NAME", description = "the event bus (default: the catalog's)")
    String bus;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "event files, e.g. events/samples/valid/*.json")
    List<Path> files;

    /** {@code --endpoint}'s default: the events port of an {@code up} on its default ports. */
    static final class Defaults implements CommandLine.IDefaultValueProvider {

        @Override
        public String defaultValue(ArgSpec argument) {
            return argument.isOption() && ((OptionSpec) argument).longestName().equals("--endpoint")
                    // the local cloud's services answer over TLS, as AWS's do
                    ? "https://127.0.0.1:" + LocalCloud.DEFAULT_PORTS.get("events")
                    : null;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (aws && spec.commandLine().getParseResult().hasMatchedOption("--endpoint")) {
            throw misuse("--endpoint and --aws exclude each other: --aws puts on the deployed bus");
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
                : AwsClients.configure(EventBridgeClient.builder(), endpoint, UpEnvironment.of(envFile).identity()).build()) {
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
