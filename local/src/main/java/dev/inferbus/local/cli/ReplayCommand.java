package dev.inferbus.local.cli;

import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.replay.Rescore;
import dev.inferbus.events.routing.Route;
import dev.inferbus.local.cloud.AwsClients;
import dev.inferbus.local.rescore.RescoreReplay;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.DescribeReplayResponse;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.ReplayState;
import software.amazon.awssdk.services.eventbridge.model.StartReplayResponse;

/**
 * {@code replay --model M --version V --from T1 [--to T2] [--wait]}: re-scores M's archived requests of [T1, T2) with
 * version V, as an EventBridge replay of the bus's archive to the rule of M's route ({@link RescoreReplay}), named
 * {@code rescore.M.V.<now>} ({@link Rescore}) so that the functions know what to re-score. Against a running
 * {@code up} (default {@code https://127.0.0.1:4010}, signed with its {@code producer.env}) or, with {@code --aws},
 * the deployed stack. Exit 2 for an unknown model or version, 1 when EventBridge refuses a call or the replay fails.
 */
@Command(name = "replay", defaultValueProvider = PutCommand.Defaults.class,
        description = {"Re-score a model's archived requests with one version: an EventBridge replay of the bus's archive "
                + "to the model's rule, on a running 'up' or, with --aws, on AWS.",
                "The replay's name (rescore.MODEL.VERSION.<time>) tells the functions what to re-score. "
                        + "Exit 1 if EventBridge refuses a call or the replay does not complete."})
final class ReplayCommand extends CliCommand {

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "the catalog id of the model to re-score")
    String model;

    @Option(names = "--version", required = true, paramLabel = "VERSION", description = "the model version to re-score with")
    String version;

    @Option(names = "--from", required = true, paramLabel = "TIME", converter = TimeConverter.class,
            description = "the window's start (inclusive), by the events' own time: an ISO-8601 instant "
                    + "(2024-05-01T10:00:00Z), now, or back from now: -30s, -15m, -2h, -1d")
    Instant from;

    @Option(names = "--to", paramLabel = "TIME", converter = TimeConverter.class,
            description = "the window's end (exclusive), as --from (default: now)")
    Instant to;

    @Option(names = "--wait", description = "wait until the replay has ended; print its state and its last replayed event's time")
    boolean await;

    @Option(names = "--endpoint", paramLabel = "URL", description = "the EventBridge endpoint of a running ./inferbus up (default: ${DEFAULT-VALUE})")
    URI endpoint;

    @Option(names = "--aws", description = "replay on the deployed stack, with the default AWS credentials and region (not with --endpoint)")
    boolean aws;

    @Option(names = "--env-file", paramLabel = "FILE", description = "the keys and CA bundle to sign and connect with, "
            + "as 'up' writes them to producer.env; default: the running up's producer.env, else the environment")
    Path envFile;

    @Option(names = "--catalog", paramLabel = "FILE", description = "the model catalog (default: the one on the classpath, samples/catalog.yaml)")
    Path catalogPath;

    /** How often {@code --wait} asks for the replay's state. */
    private static final Duration POLL = Duration.ofMillis(500);

    @Override
    public Integer call() throws Exception {
        if (aws && spec.commandLine().getParseResult().hasMatchedOption("--endpoint")) {
            throw misuse("--endpoint and --aws exclude each other: --aws replays on the deployed stack");
        }
        Instant now = Instant.now();
        Instant end = to != null ? to : now;
        if (!end.isAfter(from)) {
            throw misuse("--to must be after --from: the window " + from + " .. " + end + " is empty");
        }
        ModelCatalog catalog = catalogPath != null ? CatalogLoader.load(catalogPath) : CatalogLoader.loadClasspath();
        ModelSpec modelSpec = catalog.find(model)
                .orElseThrow(() -> misuse("unknown model '" + model + "': the catalog has " + catalog.ids()));
        if (!catalogListsVersion(modelSpec, version)) {
            throw misuse("model " + model + " has no version '" + version + "' in the catalog (it lists "
                    + modelSpec.versionNames() + ")");
        }
        Rescore rescore;
        try {
            rescore = Rescore.of(model, version, now);
        } catch (IllegalArgumentException e) {
            throw misuse(e.getMessage());
        }
        Route route = catalog.routes().stream().filter(r -> r.modelIds().contains(model)).findFirst().orElseThrow();
        try (EventBridgeClient events = aws ? EventBridgeClient.create()
                : AwsClients.configure(EventBridgeClient.builder(), endpoint, UpEnvironment.of(envFile).identity()).build()) {
            RescoreReplay replays = new RescoreReplay(events);
            RescoreReplay.Target target = replays.find(catalog.bus(), route);
            StartReplayResponse started = replays.start(target, rescore, from, end);
            out.printf("replay %s %s%n", rescore.replayName(), started.stateAsString());
            out.printf("  archive %s (%s)%n", target.archiveName(), target.archiveArn());
            out.printf("  rule %s, route %s of %s%n", target.ruleName(), route.name(), route.modelIds());
            out.printf("  window %s .. %s%n", from, end);
            if (!await) {
                return 0;
            }
            DescribeReplayResponse ended = replays.await(rescore.replayName(), POLL,
                    seen -> err.printf("%s: %s%n", rescore.replayName(), seen.stateAsString()));
            out.printf("replay %s %s%s%s%n", rescore.replayName(), ended.stateAsString(),
                    ended.eventLastReplayedTime() == null ? ", no event in the window" : ", last event replayed " + ended.eventLastReplayedTime(),
                    ended.stateReason() == null ? "" : ": " + ended.stateReason());
            return ended.state() == ReplayState.COMPLETED ? 0 : 1;
        } catch (EventBridgeException e) {
            err.println("error: " + e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage());
            return 1;
        } catch (RescoreReplay.NotReplayable e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    /**
     * Whether the catalog lists {@code version} for the model: a replay may re-score with any deployed version,
     * traffic or not.
     */
    static boolean catalogListsVersion(ModelSpec model, String version) {
        return model.versionNames().contains(version);
    }

    /** {@code --from}/{@code --to}: an ISO-8601 instant, {@code now}, or {@code -<n>s|m|h|d} back from now. */
    static final class TimeConverter implements CommandLine.ITypeConverter<Instant> {

        private static final Pattern AGO = Pattern.compile("-(\\d+)([smhd])");

        @Override
        public Instant convert(String value) {
            if (value.equals("now")) {
                return Instant.now();
            }
            Matcher ago = AGO.matcher(value);
            if (ago.matches()) {
                long n = Long.parseLong(ago.group(1));
                return Instant.now().minus(switch (ago.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
            }
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not an ISO-8601 instant, now or -<n>s/m/h/d");
            }
        }
    }
}
