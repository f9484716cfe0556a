package dev.inferbus.local.cli;

import dev.inferbus.local.cloud.ClientIdentity;
import dev.inferbus.local.template.Synthesizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a command talking to a running {@code up} reads to reach it: the variables of {@code --env-file}, else of the
 * running up's {@code producer.env} — unless the environment holds keys of its own or no up left that file, when
 * the environment's are used. The local cloud authenticates every request, so every such command signs this way.
 */
final class UpEnvironment {

    /** The results table's name, as the functions are configured with it and as {@code up} writes it to producer.env. */
    static final String TABLE = "INFERBUS_TABLE";

    private final Optional<Map<String, String>> file;

    private UpEnvironment(Optional<Map<String, String>> file) {
        this.file = file;
    }

    /** @param envFile {@code --env-file}, or null */
    static UpEnvironment of(Path envFile) throws IOException {
        Path file = envFile != null ? envFile : UpCommand.producerEnvFile(Synthesizer.projectRoot());
        if (envFile == null && (System.getenv("AWS_ACCESS_KEY_ID") != null || !Files.exists(file))) {
            return new UpEnvironment(Optional.empty());
        }
        return new UpEnvironment(Optional.of(ClientIdentity.readVariables(file)));
    }

    ClientIdentity identity() {
        return file.map(ClientIdentity::fromVariables).orElseGet(ClientIdentity::fromEnvironment);
    }

    Optional<String> variable(String name) {
        return Optional.ofNullable(file.isPresent() ? file.get().get(name) : System.getenv(name));
    }
}
