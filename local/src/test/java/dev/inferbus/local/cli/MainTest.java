package dev.inferbus.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line itself, without starting anything: {@code help} lists every command (the launcher's too), each
 * command prints its usage, misuse exits 2 with the problem and the usage, a failure exits 1 with its causes.
 */
class MainTest {

    /** Every command of {@code ./inferbus}, in the order {@code help} lists them. */
    static final List<String> COMMANDS = List.of("help", "score", "up", "logs", "trace", "demo", "iam-report", "put", "replay", "compare", "serve-endpoint");

    /** The commands the launcher script runs itself. */
    static final List<String> LAUNCHER_COMMANDS = List.of("test", "build", "cdk-app", "bench", "train-samples");

    static final List<String> ALL_COMMANDS = java.util.stream.Stream.concat(COMMANDS.stream(), LAUNCHER_COMMANDS.stream()).toList();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsEveryCommandOneLineEachTheLaunchersApart() {
        assertThat(run("help")).as(err()).isZero();

        String usage = out();
        assertThat(usage).startsWith("Usage: inferbus [-h] COMMAND");
        assertThat(usage.lines().filter(line -> line.matches("  [a-z-]+ +\\S.*")).map(line -> line.strip().split(" ")[0]))
                .as(usage).containsExactlyElementsOf(ALL_COMMANDS);
        String launcher = usage.substring(usage.indexOf("Run by the launcher script ./inferbus itself:"));
        assertThat(launcher).contains(LAUNCHER_COMMANDS.stream().map(c -> "\n  " + c + " ").toList());
        assertThat(usage.substring(0, usage.indexOf(launcher))).doesNotContain(LAUNCHER_COMMANDS.stream().map(c -> "\n  " + c + " ").toList());
        assertThat(err()).isEmpty();
    }

    @Test
    void theRegistryHoldsEveryCommand() {
        CommandLine cli = Main.commandLine(System.out, System.err);

        assertThat(cli.getSubcommands().keySet()).containsExactlyElementsOf(ALL_COMMANDS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-h", "--help"})
    void theHelpOptionsPrintWhatHelpPrints(String option) {
        assertThat(run("help")).isZero();
        String help = out();
        out.reset();

        assertThat(run(option)).isZero();

        assertThat(out()).isEqualTo(help);
    }

    @Test
    void noCommandIsMisuseAndListsEveryCommand() {
        assertThat(run()).isEqualTo(2);

        assertThat(err()).startsWith("error: no command given").contains("Usage: inferbus [-h] COMMAND")
                .contains(ALL_COMMANDS.stream().map(c -> "\n  " + c + " ").toList());
        assertThat(out()).isEmpty();
    }

    @ParameterizedTest
    @FieldSource("ALL_COMMANDS")
    void helpCommandAndCommandHelpPrintTheCommandsUsage(String command) {
        assertThat(run("help", command)).as(err()).isZero();
        String help = out();
        out.reset();

        assertThat(run(command, "--help")).as(err()).isZero();

        assertThat(help).contains("Usage: inferbus " + command + " [-h]");
        assertThat(out()).isEqualTo(help);
        assertThat(err()).isEmpty();
    }

    @Test
    void eachCommandsUsageNamesItsOptionsAndDefaults() {
        assertThat(run("help", "score")).isZero();
        assertThat(run("help", "demo")).isZero();
        assertThat(run("help", "put")).isZero();
        assertThat(run("help", "serve-endpoint")).isZero();
        assertThat(run("help", "replay")).isZero();
        assertThat(run("help", "logs")).isZero();
        assertThat(run("help", "up")).isZero();

        assertThat(out()).contains("Usage: inferbus score [-h] [--catalog=FILE] MODEL JSON")
                .contains("Usage: inferbus demo [-h] [--soak [--events=N] [--rate=EVENTS_PER_SECOND]]")
                .contains("(default: 20000)").contains("(default: 200)")
                .contains("Usage: inferbus put [-h] [--aws] [--bus=NAME] [--endpoint=URL]")
                .contains("[--env-file=FILE] FILE...")
                .contains("https://127.0.0.1:4010")
                .contains("Usage: inferbus serve-endpoint [-h] [--bind=ADDRESS] [--port=PORT] MODEL")
                .contains("(default: 8080)").contains("(default: 127.0.0.1)")
                .contains("Usage: inferbus logs [-h] [--follow] FUNCTION")
                .contains("Usage: inferbus up [-h] [--no-auth] [--random-ports]")
                .contains("Usage: inferbus replay [-h] [--aws] [--wait] [--catalog=FILE] [--endpoint=URL]")
                .contains("--from=TIME --model=MODEL [--to=TIME]").contains("--version=VERSION");
    }

    @Test
    void theOptionsKeepTheirDefaults() {
        DemoCommand demo = parse(new DemoCommand());
        assertThat(demo.soak).isNull();
        demo = parse(new DemoCommand(), "--soak");
        assertThat(demo.soak.events).isEqualTo(20_000);
        assertThat(demo.soak.rate).isEqualTo(200);
        demo = parse(new DemoCommand(), "--soak", "--events", "2000");
        assertThat(demo.soak.events).isEqualTo(2000);
        assertThat(demo.soak.rate).isEqualTo(200);

        PutCommand put = parse(new PutCommand(), "a.json", "b.json");
        assertThat(put.endpoint).hasToString("https://127.0.0.1:4010");
        assertThat(put.aws).isFalse();
        assertThat(put.bus).isNull();
        assertThat(put.files).containsExactly(Path.of("a.json"), Path.of("b.json"));

        ServeEndpointCommand serve = parse(new ServeEndpointCommand(), "document-embedder");
        assertThat(serve.options()).isEqualTo(new ServeEndpointCommand.Options("document-embedder", 8080, "127.0.0.1"));

        ScoreCommand score = parse(new ScoreCommand(), "--catalog", "samples/catalog.yaml", "fraud-scorer", "{}");
        assertThat(score.catalogPath).isEqualTo(Path.of("samples/catalog.yaml"));
        assertThat(score.modelId).isEqualTo("fraud-scorer");
        assertThat(score.json).isEqualTo("{}");

        assertThat(parse(new UpCommand()).randomPorts).isFalse();

        ReplayCommand replay = parse(new ReplayCommand(), "--model", "fraud-scorer", "--version", "2", "--from", "2024-05-01T10:00:00Z");
        assertThat(replay.endpoint).hasToString("https://127.0.0.1:4010");
        assertThat(replay.from).isEqualTo(java.time.Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(replay.to).as("now, when the command runs").isNull();
        assertThat(replay.aws).isFalse();
        assertThat(replay.await).isFalse();
        java.time.Instant before = java.time.Instant.now();
        replay = parse(new ReplayCommand(), "--model", "fraud-scorer", "--version", "2", "--from", "-15m", "--to=now");
        assertThat(replay.from).isBetween(before.minusSeconds(15 * 60), java.time.Instant.now().minusSeconds(15 * 60));
        assertThat(replay.to).isBetween(before, java.time.Instant.now());
        assertThat(parse(new ReplayCommand(), "--model", "m", "--version", "2", "--from=-2h").from)
                .isBetween(before.minusSeconds(7200), java.time.Instant.now().minusSeconds(7200));
        assertThat(parse(new LogsCommand(), "cpu-direct").follow).isFalse();
    }

    private static <T> T parse(T command, String... args) {
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @ParameterizedTest
    @FieldSource("LAUNCHER_COMMANDS")
    void aLauncherCommandRunWithoutTheLauncherSaysWhereToRunItAndExitsTwo(String command) {
        assertThat(run(command)).isEqualTo(2);

        assertThat(err().strip()).isEqualTo("error: '" + command + "' is run by the launcher script: ./inferbus " + command
                + " (from the repository root)");
        assertThat(out()).isEmpty();
    }

    @Test
    void theLauncherCommandsTakeTheirArgumentsHereToo() {
        assertThat(run("bench", "--quick", "--record")).isEqualTo(2);
        assertThat(run("test", "-pl", "local", "-Dtest=MainTest")).isEqualTo(2);

        assertThat(err()).contains("is run by the launcher script: ./inferbus bench")
                .contains("is run by the launcher script: ./inferbus test")
                .doesNotContain("Unknown option");
    }

    @Test
    void misuseExitsWithPicocliUsageCode() {
        assertThat(CommandLine.ExitCode.USAGE).isEqualTo(2);
        assertThat(CommandLine.ExitCode.SOFTWARE).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            frobnicate                                         | unknown command 'frobnicate'                          | inferbus [-h] COMMAND
            puut x.json                                        | Did you mean: inferbus put?                           | inferbus [-h] COMMAND
            --verbose                                          | Unknown option: '--verbose'                           | inferbus [-h] COMMAND
            help nope                                          | Unknown subcommand 'nope'                             | inferbus [-h] COMMAND
            score --bogus fraud-scorer {}                      | Unknown option: '--bogus'                             | inferbus score
            score sentence-embedder                            | Missing required parameter: 'JSON'                    | inferbus score
            score                                              | Missing required parameters: 'MODEL', 'JSON'          | inferbus score
            score fraud-scorer {} {}                           | unexpected argument '{}'                              | inferbus score
            score --catalog                                    | Missing required parameter for option '--catalog'     | inferbus score
            up --port 4010                                     | Unknown options: '--port', '4010'                     | inferbus up
            up now                                             | unexpected argument 'now'                             | inferbus up
            logs                                               | Missing required parameter: 'FUNCTION'                | inferbus logs
            logs cpu-direct cpu-batch                          | unexpected argument 'cpu-batch'                       | inferbus logs
            logs cpu-direct --tail                             | Unknown option: '--tail'                              | inferbus logs
            demo --events 5                                    | Missing required argument(s): --soak                  | inferbus demo
            demo --soak --events many                          | Invalid value for option '--events': 'many' is not an int | inferbus demo
            demo --soak --rate 0                               | --events and --rate must be at least 1                | inferbus demo
            demo fast                                          | unexpected argument 'fast'                            | inferbus demo
            put                                                | Missing required parameter: 'FILE'                    | inferbus put
            put --endpoint                                     | Missing required parameter for option '--endpoint'    | inferbus put
            put --endpoint http://127.0.0.1:1 --aws event.json | --endpoint and --aws exclude each other               | inferbus put
            replay                                             | Missing required options: '--model=MODEL', '--version=VERSION', '--from=TIME' | inferbus replay
            replay --model fraud-scorer --version 1 --from yesterday | Invalid value for option '--from': 'yesterday' is not an ISO-8601 instant, now or -<n>s/m/h/d | inferbus replay
            replay --model fraud-scorer --version 1 --from -15m --to -1h | --to must be after --from      | inferbus replay
            replay --model gpt-7 --version 1 --from -15m       | unknown model 'gpt-7': the catalog has [fraud-scorer, | inferbus replay
            replay --model fraud-scorer --version 9 --from -15m | model fraud-scorer has no version '9' in the catalog (it lists [1, 2]) | inferbus replay
            replay --endpoint http://127.0.0.1:1 --aws --model fraud-scorer --version 1 --from -15m | --endpoint and --aws exclude each other | inferbus replay
            replay --model fraud-scorer --version 1 --from now extra | unexpected argument 'extra'         | inferbus replay
            compare                                            | Missing required parameter: 'MODEL'                   | inferbus compare
            compare gpt-7                                      | unknown model 'gpt-7': the catalog has [fraud-scorer, | inferbus compare
            compare fraud-scorer --version 9                   | model fraud-scorer has no version '9' (it lists [1, 2]) | inferbus compare
            serve-endpoint                                     | Missing required parameter: 'MODEL'                   | inferbus serve-endpoint
            serve-endpoint document-embedder --port eighty     | Invalid value for option '--port': 'eighty' is not an int | inferbus serve-endpoint
            serve-endpoint document-embedder --port 70000      | --port must be from 0 to 65535, not 70000             | inferbus serve-endpoint
            serve-endpoint document-embedder --host 0.0.0.0    | Unknown options: '--host', '0.0.0.0'                  | inferbus serve-endpoint
            trace                                              | Missing required parameter: 'REQUEST_ID'             | inferbus trace
            trace txn-0001 --width 3                           | --width must be between 10 and 200, not 3             | inferbus trace
            trace txn-0001 txn-0002                            | unexpected argument 'txn-0002'                        | inferbus trace
            """)
    void misuseExitsTwoNamingTheProblemAboveTheCommandsUsage(String commandLine, String problem, String usage) {
        assertThat(run(commandLine.split(" "))).as(err()).isEqualTo(2);

        assertThat(err()).startsWith("error: ").contains(problem).contains("\nUsage: " + usage);
        assertThat(err().indexOf(problem)).isLessThan(err().indexOf("Usage: "));
        assertThat(out()).isEmpty();
    }

    @Test
    void aFailureExitsOneWithTheErrorAndItsCauses() {
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        CommandLine cli = Main.commandLine(new PrintStream(out, true, StandardCharsets.UTF_8), errStream);
        cli.addSubcommand(new Failing());

        int status = cli.execute("fail");

        assertThat(status).isEqualTo(1);
        assertThat(err()).startsWith("""
                error: java.lang.IllegalStateException: cannot deploy
                  caused by: java.io.UncheckedIOException: java.io.IOException: disk full
                  caused by: java.io.IOException: disk full
                """).doesNotContain("Usage:");
    }

    @Test
    void aCommandThatFailsOnItsInputExitsOne(@TempDir Path dir) {
        assertThat(run("put", dir.resolve("missing.json").toString())).isEqualTo(1);

        assertThat(err()).startsWith("error: java.io.FileNotFoundException: ").contains("missing.json").doesNotContain("Usage:");
    }

    @Command(name = "fail")
    static final class Failing implements Callable<Integer> {

        @Override
        public Integer call() {
            throw new IllegalStateException("cannot deploy", new UncheckedIOException(new IOException("disk full")));
        }
    }
}
