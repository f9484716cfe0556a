package dev.inferbus.local.cli;

import static picocli.CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.IHelpSectionRenderer;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code ./inferbus COMMAND}: the entry point the launcher script runs, picocli's top-level command. Its
 * {@code subcommands} list is the one place a command is registered: a new command is a {@link CliCommand} class
 * and its line there. The launcher runs {@code test}, {@code build}, {@code cdk-app}, {@code bench} and
 * {@code train-samples} itself; they are listed here too ({@link LauncherCommands}) so that {@code help} shows them.
 *
 * <p>Exit status: 0 done, 1 failed ({@code error: …} and the causes; the stack trace too with {@code INFERBUS_DEBUG}
 * set), 2 misuse (unknown command or option, missing, extra or bad parameter: the problem and the command's usage
 * on stderr).
 */
@Command(name = "inferbus",
        description = "Event-driven ML inference on AWS, with an embedded local cloud. Run it from the repository root "
                + "as ./inferbus COMMAND; ./inferbus help COMMAND prints a command's options.",
        synopsisSubcommandLabel = "COMMAND",
        commandListHeading = "%nCommands:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:done", "1:failed (error: ... on stderr)",
                "2:misuse: unknown command or option, missing, extra or bad parameter"},
        subcommands = {
                CommandLine.HelpCommand.class,
                ScoreCommand.class,
                UpCommand.class,
                LogsCommand.class,
                TraceCommand.class,
                DemoCommand.class,
                IamReportCommand.class,
                PutCommand.class,
                ReplayCommand.class,
                CompareCommand.class,
                ServeEndpointCommand.class,
                LauncherCommands.Test.class,
                LauncherCommands.Build.class,
                LauncherCommands.CdkApp.class,
                LauncherCommands.Bench.class,
                LauncherCommands.TrainSamples.class,
        })
public final class Main {

    private static final String LAUNCHER_COMMAND_LIST_HEADING = "launcherCommandListHeading";
    private static final String LAUNCHER_COMMAND_LIST = "launcherCommandList";

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this usage (the list of commands)")
    boolean help;

    private Main() {
    }

    public static void main(String[] args) {
        int status;
        try {
            status = run(args, System.out, System.err);
        } catch (RuntimeException e) {
            printError(e, System.err);
            status = CommandLine.ExitCode.SOFTWARE;
        }
        System.exit(status);
    }

    /** Runs one command line; its output goes to {@code out} and {@code err}. Returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = commandLine(out, err);
        try {
            return cli.execute(args);
        } finally {
            cli.getOut().flush();
            cli.getErr().flush();
        }
    }

    /** The whole command tree, its commands printing to {@code out} and {@code err}. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new Main(), new Streams(out, err));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(out == System.out ? Ansi.AUTO : Ansi.OFF));
        // arguments are taken as they are: a JSON input or a file name may start with '@'
        cli.setExpandAtFiles(false);
        // an option given twice takes its last value, as the hand-written parsers did
        cli.setOverwrittenOptionsAllowed(true);
        listLauncherCommandsApart(cli.getCommandSpec().usageMessage());
        cli.setParameterExceptionHandler(Main::misuse);
        cli.setExecutionExceptionHandler((e, command, parseResult) -> {
            printError(e, err);
            return CommandLine.ExitCode.SOFTWARE;
        });
        return cli;
    }

    /** The usage lists this program's commands, then under their own heading those the launcher runs itself. */
    private static void listLauncherCommandsApart(UsageMessageSpec usage) {
        Map<String, IHelpSectionRenderer> sections = new LinkedHashMap<>(usage.sectionMap());
        sections.put(SECTION_KEY_COMMAND_LIST, help -> commandList(help, false));
        sections.put(LAUNCHER_COMMAND_LIST_HEADING, help -> help.createHeading("%nRun by the launcher script ./inferbus itself:%n"));
        sections.put(LAUNCHER_COMMAND_LIST, help -> commandList(help, true));
        List<String> keys = new ArrayList<>(usage.sectionKeys());
        keys.addAll(keys.indexOf(SECTION_KEY_COMMAND_LIST) + 1, List.of(LAUNCHER_COMMAND_LIST_HEADING, LAUNCHER_COMMAND_LIST));
        usage.sectionMap(sections).sectionKeys(keys);
    }

    /** One line per command, its header or the first line of its description; both lists in the same columns. */
    private static String commandList(Help help, boolean launcher) {
        int nameWidth = help.subcommands().keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
        TextTable table = TextTable.forColumns(help.colorScheme(), new Column(nameWidth, 2, Column.Overflow.SPAN),
                new Column(help.commandSpec().usageMessage().width() - nameWidth, 2, Column.Overflow.WRAP));
        help.subcommands().forEach((name, command) -> {
            if ((command.commandSpec().userObject() instanceof LauncherCommands.LauncherCommand) == launcher) {
                UsageMessageSpec usage = command.commandSpec().usageMessage();
                String line = usage.header().length > 0 ? usage.header()[0] : usage.description()[0];
                table.addRowValues(help.colorScheme().commandText(name), help.colorScheme().text(String.format(line)));
            }
        });
        return table.toString();
    }

    /** A command line that cannot run: what is wrong, a suggestion for a misspelt name, the command's usage; exit 2. */
    private static int misuse(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("error: " + message(e));
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println();
        err.print(command.getUsageMessage(command.getColorScheme()));
        err.flush();
        return CommandLine.ExitCode.USAGE;
    }

    private static String message(ParameterException e) {
        if (e.getCommandLine().getParent() == null && e.getMessage().startsWith("Missing required subcommand")) {
            return "no command given";
        }
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()
                && e.getMessage().startsWith("Unmatched argument")) {
            String first = unmatched.getUnmatched().get(0);
            // picocli says "Unmatched argument at index 0: 'x'"; for the top level that is a command it does not know
            return e.getCommandLine().getParent() == null
                    ? "unknown command '" + first + "'"
                    : "unexpected argument '" + first + "'" + (unmatched.getUnmatched().size() > 1
                            ? " (and " + (unmatched.getUnmatched().size() - 1) + " more)" : "");
        }
        // the messages of argument groups start with "Error: " themselves
        return e.getMessage().replaceFirst("^Error: ", "");
    }

    /** A command that failed while running: the exception and its causes, the stack trace with INFERBUS_DEBUG set. */
    static void printError(Throwable e, PrintStream err) {
        err.println("error: " + e);
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            err.println("  caused by: " + cause);
        }
        // the whole trace, for a failure that must be read where it happened (CI)
        if (System.getenv("INFERBUS_DEBUG") != null) {
            e.printStackTrace(err);
        }
        err.flush();
    }

    /** Makes every command picocli creates print to the streams of this run. */
    private record Streams(PrintStream out, PrintStream err) implements CommandLine.IFactory {

        @Override
        public <K> K create(Class<K> type) throws Exception {
            K made = CommandLine.defaultFactory().create(type);
            if (made instanceof CliCommand command) {
                command.out = out;
                command.err = err;
            }
            return made;
        }
    }
}
