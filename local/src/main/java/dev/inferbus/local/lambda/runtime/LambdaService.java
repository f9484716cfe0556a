package dev.inferbus.local.lambda.runtime;

import dev.inferbus.local.files.Folders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stand-in for AWS Lambda's compute: each deployed function runs in execution environments that are separate
 * JVM processes, started as Lambda's java21 runtime starts them (AWS's runtime interface client over the function's
 * unpacked deployment zip), talking to a local Runtime API.
 *
 * <p>No process outlives the service: {@link #close()} ends them all (SIGTERM, SIGKILL after 2 s, descendants
 * included), a JVM shutdown hook does the same on Ctrl-C or SIGTERM, and when this JVM is SIGKILLed the kernel ends
 * them (setpriv's parent-death signal, see {@link RuntimeHost}); without setpriv an idle runtime still exits as soon as
 * its Runtime API connection drops, since the Java client treats a failed {@code next} as fatal.
 */
public final class LambdaService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LambdaService.class);
    private static final Duration GRACE = Duration.ofSeconds(2);

    private final RuntimeHost host;
    private final boolean ownsWorkDir;
    private final Map<String, FunctionPool> pools = new ConcurrentHashMap<>();
    private final Thread shutdownHook;
    private volatile boolean closed;

    /** The runtime interface client found by {@link RicClasspath#locate()}; a fresh temporary work folder. */
    public LambdaService() {
        this(RicClasspath.locate(), null);
    }

    /**
     * @param workDir where environments get their /tmp and home folders, and the JNI library its copy; kept after
     *                {@link #close()} (a temporary folder, deleted then, when null)
     */
    public LambdaService(RicClasspath ric, Path workDir) {
        try {
            this.ownsWorkDir = workDir == null;
            this.host = new RuntimeHost(ric, workDir != null ? workDir : Files.createTempDirectory("inferbus-lambda-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the Lambda work folder", e);
        }
        this.shutdownHook = Thread.ofPlatform().name("lambda-service-shutdown").unstarted(this::endProcesses);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Makes the function invocable; no process starts until its first invocation or {@link FunctionPool#prewarm()}.
     *
     * @param credentials {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN}: the execution
     *                    role's, as Lambda passes them
     */
    public FunctionPool deploy(FunctionDefinition function, Map<String, String> credentials) {
        if (closed) {
            throw new IllegalStateException("the Lambda service is closed");
        }
        Set<String> unexpected = new TreeSet<>(credentials.keySet());
        unexpected.removeAll(JavaRuntimeCommand.CREDENTIALS);
        if (!unexpected.isEmpty()) {
            throw new IllegalArgumentException("not credentials variables: " + unexpected);
        }
        // a task root the sandbox user cannot read would fail every Init with a bare ClassNotFoundException
        host.requireSandboxCanRead(function.taskRoot());
        FunctionPool pool = new FunctionPool(function, credentials, host);
        if (pools.putIfAbsent(function.name(), pool) != null) {
            throw new IllegalStateException("function " + function.name() + " is already deployed");
        }
        return pool;
    }

    /** @throws NoSuchElementException when no function of that name is deployed */
    public FunctionPool pool(String name) {
        FunctionPool pool = pools.get(name);
        if (pool == null) {
            throw new NoSuchElementException("no function " + name + " is deployed");
        }
        return pool;
    }

    public Path workDir() {
        return host.workDir;
    }

    /** Ends every function process and waits until they are gone; then no invocation is taken. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        endProcesses();
        // the exit callbacks close each environment's Runtime API and delete its folder
        List<ExecutionEnvironment> environments = pools.values().stream().flatMap(p -> p.environments().stream()).toList();
        try {
            CompletableFuture.allOf(environments.stream().map(ExecutionEnvironment::gone)
                    .toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Lambda service: {} environments did not report their end: {}", environments.size(), e.toString());
        }
        host.close();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs (or ran) anyway
        }
        if (ownsWorkDir) {
            deleteTree(host.workDir);
        }
    }

    private void endProcesses() {
        List<ProcessHandle> processes = pools.values().stream().flatMap(p -> p.close().stream()).toList();
        if (!processes.isEmpty()) {
            LOG.info("Lambda service: ending {} function processes", processes.size());
            ProcessTrees.terminate(processes, GRACE);
        }
    }

    private static void deleteTree(Path root) {
        try {
            Folders.deleteTree(root);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Lambda service: cannot delete {}: {}", root, e.toString());
        }
    }
}
