package dev.inferbus.local.template;

import dev.inferbus.local.files.Folders;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Synthesizes the CDK app ({@code dev.inferbus.cdk.InferbusApp}) into a cloud assembly, offline, as
 * {@code cdk synth} would, but in a child JVM on infra-cdk's built classpath, so no CDK CLI is needed. A synth
 * takes seconds (the app drives jsii's node runtime); the local cloud starts far more often than its inputs change,
 * so the last synth is reused while the fingerprint of its inputs ({@link SynthInputs}) is the same.
 *
 * <p>Layout of {@code outDir}: {@code cdk.out/} (the assembly), {@code synth.log} (the child's output),
 * {@code inputs.sha256} (the fingerprint the assembly was made from, written only once it is complete).
 */
public final class Synthesizer {

    static final String ASSEMBLY_DIR = "cdk.out";
    static final String LOG_FILE = "synth.log";
    static final String FINGERPRINT_FILE = "inputs.sha256";

    private static final String APP_CLASS = "dev.inferbus.cdk.InferbusApp";
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final int LOG_TAIL_LINES = 40;

    private Synthesizer() {
    }

    public static CloudAssembly synthesize(Path projectRoot, Path outDir, PrintStream progress) throws IOException {
        SynthInputs inputs = SynthInputs.of(projectRoot);
        inputs.requireBuilt();
        String fingerprint = inputs.fingerprint();
        Path assembly = outDir.resolve(ASSEMBLY_DIR);
        Path stored = outDir.resolve(FINGERPRINT_FILE);
        if (Files.isRegularFile(assembly.resolve("manifest.json")) && Files.isRegularFile(stored)
                && Files.readString(stored).strip().equals(fingerprint)) {
            progress.println("cdk synth: inputs unchanged, reusing " + assembly);
            return CloudAssembly.read(assembly);
        }
        Files.createDirectories(outDir);
        // Forget the old fingerprint first: a synth that dies half-way must not pass for current next time. The
        // old assembly goes too, or assets of earlier synths would pile up beside the new ones.
        Files.deleteIfExists(stored);
        Folders.deleteTree(assembly);
        Path log = outDir.resolve(LOG_FILE);
        progress.println("cdk synth: " + APP_CLASS + " -> " + assembly + " (log " + log + ")");
        long started = System.nanoTime();
        run(inputs, assembly, log);
        CloudAssembly result = CloudAssembly.read(assembly);
        Files.writeString(stored, fingerprint + "\n");
        progress.printf("cdk synth: done in %.1f s%n", (System.nanoTime() - started) / 1e9);
        return result;
    }

    /** The fingerprint of the synth's inputs under {@code projectRoot}, as {@link #synthesize} compares it. */
    public static String fingerprint(Path projectRoot) {
        return SynthInputs.of(projectRoot).fingerprint();
    }

    /**
     * The inferbus project: system property {@code inferbus.root}, else the nearest folder at or above the current
     * directory that holds both {@code infra-cdk/} and {@code functions/}.
     */
    public static Path projectRoot() {
        String configured = System.getProperty("inferbus.root");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("infra-cdk")) && Files.isDirectory(dir.resolve("functions"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no inferbus project (a folder with infra-cdk/ and functions/) at or above "
                + start + "; set -Dinferbus.root");
    }

    private static void run(SynthInputs inputs, Path assembly, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(List.of(javaBinary(), "-cp", inputs.classpath(), APP_CLASS))
                .directory(inputs.cdkAppDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("CDK_OUTDIR", assembly.toAbsolutePath().toString());
        env.put("CDK_CONTEXT_JSON", inputs.contextJson());
        // cdk-nag is for real deployments; its findings are not the local cloud's to enforce.
        env.put("CDK_VALIDATION", "false");
        env.put("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20");
        // An account or region from the caller's shell would end up in the template, which the fingerprint does not
        // cover: keep the stack environment-agnostic, as the local cloud supplies both.
        env.remove("CDK_DEFAULT_ACCOUNT");
        env.remove("CDK_DEFAULT_REGION");
        Process process = builder.start();
        // If the local cloud is stopped mid-synth, the child (and jsii's node under it) must not outlive it.
        Thread reaper = new Thread(() -> destroy(process), "cdk-synth-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        try {
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                destroy(process);
                throw new IOException("cdk synth did not finish in " + TIMEOUT.toSeconds() + " s" + tail(log));
            }
            if (process.exitValue() != 0) {
                throw new IOException("cdk synth failed (exit " + process.exitValue() + ")" + tail(log));
            }
        } catch (InterruptedException e) {
            destroy(process);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during cdk synth");
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it does the cleanup
            }
        }
    }

    private static void destroy(Process process) {
        // Descendants first: once the child is gone, its node process is no longer listed as ours.
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    private static String javaBinary() {
        // The same JVM that runs the local cloud, so the synth needs no JAVA_HOME or PATH of its own.
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> last = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
            return "; last lines of " + log + ":\n" + String.join("\n", last);
        } catch (IOException | UncheckedIOException e) {
            return "; see " + log;
        }
    }

}
