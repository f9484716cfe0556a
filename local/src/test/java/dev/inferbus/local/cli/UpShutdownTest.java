package dev.inferbus.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ./inferbus up} stops every process it started — the function environments, kinesalite's node — when it is
 * stopped with Ctrl-C (SIGINT) or SIGTERM.
 */
class UpShutdownTest {

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    void upLeavesNoProcessBehindOn(String signal) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-Dsqlite4java.library.path=" + System.getProperty("sqlite4java.library.path"),
                "-Dinferbus.kinesalite.dir=" + System.getProperty("inferbus.kinesalite.dir"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "up", "--random-ports")
                .redirectErrorStream(true);
        builder.environment().put("INFERBUS_DEBUG", "1");
        Process up = builder.start();
        List<String> output = new ArrayList<>();
        CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    output.add(line);
                    if (line.equals("ready")) {
                        return true;
                    }
                }
            } catch (Exception e) {
                return false;
            }
            return false;
        });
        try {
            assertThat(ready.get(240, TimeUnit.SECONDS)).as(String.join("\n", output)).isTrue();
            List<ProcessHandle> started = up.descendants().toList();
            assertThat(started).as("function environments and kinesalite").hasSizeGreaterThanOrEqualTo(6);

            new ProcessBuilder("kill", "-" + signal, String.valueOf(up.pid())).start().waitFor();

            assertThat(up.waitFor(60, TimeUnit.SECONDS)).as("up exits on SIG" + signal).isTrue();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (started.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(started.stream().filter(ProcessHandle::isAlive).map(p -> p.pid() + " " + p.info().commandLine().orElse("")))
                    .as("processes left after SIG" + signal).isEmpty();
        } finally {
            up.descendants().forEach(ProcessHandle::destroyForcibly);
            up.destroyForcibly();
        }
    }

    static Path root() {
        return Path.of("..").toAbsolutePath().normalize();
    }
}
