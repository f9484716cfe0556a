package dev.inferbus.local.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * One command of {@code ./inferbus}: a picocli {@code @Command} whose options and parameters picocli fills in before
 * it calls {@link #call()}, which returns the exit status. {@link Main} registers it and gives it the run's
 * streams. A command stays thin: it turns its options into calls of the classes that do the work.
 */
abstract class CliCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this command's usage")
    boolean help;

    /** The command as picocli sees it: for {@link #misuse}. */
    @Spec
    CommandSpec spec;

    /** Where the command prints its results. */
    PrintStream out = System.out;

    /** Where the command prints progress and errors. */
    PrintStream err = System.err;

    /**
     * A command line that parses but asks for something impossible (options that exclude each other, a value out
     * of range): thrown from {@link #call()}, it is reported as a parse error is, with the usage, exit 2.
     */
    ParameterException misuse(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
