package dev.inferbus.local.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code logs FUNCTION [--follow]}: prints the output of a function's execution environments in the running (or
 * last) {@code ./inferbus up} — one file per function, as CloudWatch Logs keeps one log group per function.
 * FUNCTION is the catalog's name ({@code cpu-direct}) or the deployed one.
 */
@Command(name = "logs", description = {"Print a function's log in the running (or last) 'up'.",
        "One file per function, as CloudWatch Logs keeps one log group per function."})
final class LogsCommand extends CliCommand {

    private static final String FUNCTIONS_FILE = "functions.properties";

    @Parameters(index = "0", paramLabel = "FUNCTION", description = "the catalog's function name (cpu-direct) or the deployed one")
    String function;

    @Option(names = "--follow", description = "keep printing what the function writes, until Ctrl-C")
    boolean follow;

    static Path upDirectory(Path root) {
        return root.resolve("local/target/up");
    }

    /** Empties the last run's folder (its code copies are read-only, like Lambda's task root). */
    static void clear(Path work) throws IOException {
        dev.inferbus.local.files.Folders.deleteTree(work);
    }

    /** Which deployed function each catalog name stands for, for a later {@code logs}. */
    static void record(Path work, Map<String, String> functionNames) throws IOException {
        Properties names = new Properties();
        names.putAll(functionNames);
        try (var writer = Files.newBufferedWriter(work.resolve(FUNCTIONS_FILE))) {
            names.store(writer, "catalog name = deployed function name");
        }
    }

    @Override
    public Integer call() throws Exception {
        Path work = upDirectory(dev.inferbus.local.template.Synthesizer.projectRoot());
        Properties names = new Properties();
        Path file = work.resolve(FUNCTIONS_FILE);
        if (!Files.exists(file)) {
            err.println("error: no './inferbus up' has run here yet (" + file + " is missing)");
            return 1;
        }
        try (var reader = Files.newBufferedReader(file)) {
            names.load(reader);
        }
        String deployed = names.getProperty(function, names.containsValue(function) ? function : null);
        if (deployed == null) {
            err.println("error: unknown function '" + function + "' (functions: " + names.stringPropertyNames() + ")");
            return 2;
        }
        Path log = work.resolve("logs").resolve(deployed + ".log");
        if (!Files.exists(log)) {
            err.println("error: " + log + " does not exist (the function has not started)");
            return 1;
        }
        long position = 0;
        do {
            try (RandomAccessFile in = new RandomAccessFile(log.toFile(), "r")) {
                if (in.length() > position) {
                    in.seek(position);
                    byte[] bytes = new byte[(int) (in.length() - position)];
                    in.readFully(bytes);
                    out.print(new String(bytes, StandardCharsets.UTF_8));
                    out.flush();
                    position += bytes.length;
                }
            }
            if (follow) {
                Thread.sleep(500);
            }
        } while (follow);
        return 0;
    }
}
