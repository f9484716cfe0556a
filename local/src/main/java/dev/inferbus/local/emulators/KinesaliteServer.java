package dev.inferbus.local.emulators;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * kinesalite, the npm Kinesis emulator, run by the machine's {@code node} as a child process. The build installs
 * it into {@code local/target/node}; a small launcher binds it to 127.0.0.1. The child holds our pipe as its
 * stdin and exits when it closes, so no process outlives the stack.
 */
public final class KinesaliteServer implements Emulator {

    /** Overrides where the installed node package is (the folder holding node_modules and the launcher). */
    public static final String DIR_PROPERTY = "inferbus.kinesalite.dir";

    private final Process process;
    private final int port;

    private KinesaliteServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static KinesaliteServer start(int port) throws IOException, InterruptedException {
        Path dir = installDirectory();
        Process process = new ProcessBuilder("node", dir.resolve("kinesalite-server.js").toString(), String.valueOf(port))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                StringBuilder seen = new StringBuilder();
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("kinesalite listening")) {
                        return line;
                    }
                    seen.append(line).append('\n');
                }
                throw new IllegalStateException("kinesalite exited: " + seen);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        int bound;
        try {
            bound = boundPort(ready.get(30, TimeUnit.SECONDS));
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IOException("kinesalite did not start on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        // keep draining its output so that the child never blocks on a full pipe
        Thread.ofVirtual().start(() -> {
            try {
                out.lines().forEach(line -> { });
            } catch (java.io.UncheckedIOException closed) {
                // the stack stopped the child; nothing is left to drain
            }
        });
        return new KinesaliteServer(process, bound);
    }

    /** The port a "kinesalite listening on 127.0.0.1:PORT" line names. */
    private static int boundPort(String listening) {
        return Integer.parseInt(listening.substring(listening.lastIndexOf(':') + 1).trim());
    }

    static Path installDirectory() throws IOException {
        String configured = System.getProperty(DIR_PROPERTY);
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            for (Path candidate : new Path[] {dir.resolve("target/node"), dir.resolve("local/target/node")}) {
                if (Files.isDirectory(candidate.resolve("node_modules/kinesalite"))) {
                    return candidate;
                }
            }
        }
        throw new IOException("kinesalite is not installed: build the local module (./mvnw -pl local package) or set -D" + DIR_PROPERTY);
    }

    @Override
    public String service() {
        return "kinesis";
    }

    @Override
    public URI endpoint() {
        return Emulator.loopback(port);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
