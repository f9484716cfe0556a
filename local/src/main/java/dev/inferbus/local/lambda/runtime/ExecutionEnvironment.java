package dev.inferbus.local.lambda.runtime;

import static dev.inferbus.local.lambda.runtime.RuntimeHost.millisSince;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.local.lambda.runtime.InvocationResult.Crashed;
import dev.inferbus.local.lambda.runtime.InvocationResult.FunctionError;
import dev.inferbus.local.lambda.runtime.InvocationResult.InitError;
import dev.inferbus.local.lambda.runtime.InvocationResult.Success;
import dev.inferbus.local.lambda.runtime.InvocationResult.Timeout;
import dev.inferbus.local.lambda.runtime.RuntimeApiServer.Ack;
import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Lambda execution environment: one JVM process running AWS's runtime interface client over the function's task
 * root, with its own Runtime API server, /tmp and home folder. It answers one invocation at a time, as Lambda's
 * environments do.
 *
 * <p>Lifecycle (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html): STARTING until the
 * runtime's first {@code next} (that time is Lambda's Init Duration), then READY / BUSY per invocation, DEAD once the
 * process is gone for any reason: timeout (SIGKILL, as Lambda), a crash, an init error, or the service closing.
 */
final class ExecutionEnvironment implements RuntimeApiServer.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutionEnvironment.class);
    /** Lambda's response limit for synchronous invocations, as its error message states it. */
    static final int MAX_RESPONSE_BYTES = 6_291_556;
    /**
     * Lambda limits Init to 10 s and, past it, retries Init within the first invocation under the function's timeout; one
     * process here gets both budgets at once.
     */
    static final int INIT_LIMIT_SECONDS = 10;

    /** An invocation handed to this environment. */
    private static final class Pending {
        final String requestId = UUID.randomUUID().toString();
        final long createdNanos = System.nanoTime();
        final CompletableFuture<InvocationResult> result = new CompletableFuture<>();
        volatile long deliveredNanos;
        volatile long answeredNanos;

        /** From the runtime taking it to the runtime answering (or now): Lambda's Duration. */
        long durationNanos() {
            return (answeredNanos != 0 ? answeredNanos : System.nanoTime())
                    - (deliveredNanos != 0 ? deliveredNanos : createdNanos);
        }

        long durationMs() {
            return TimeUnit.NANOSECONDS.toMillis(durationNanos());
        }
    }

    /** The invocation never reached the runtime (it died first): the pool may give it to another environment. */
    static final class NotDelivered extends RuntimeException {
        NotDelivered() {
            super("the environment died before taking the invocation", null, false, false);
        }
    }

    private final FunctionDefinition function;
    private final RuntimeHost host;
    private final String id;
    private final Path folder;
    private final String logStream;
    private final RuntimeApiServer api;
    private final Consumer<ExecutionEnvironment> onDeath;
    private final CompletableFuture<InitOutcome> init = new CompletableFuture<>();
    private final CompletableFuture<Void> gone = new CompletableFuture<>();
    /** The process, once started: a runtime's first call can only follow it, but may beat the field's assignment. */
    private final CompletableFuture<Process> spawned = new CompletableFuture<>();
    private final AtomicLong invocations = new AtomicLong();
    private final Object lock = new Object();
    private volatile Process process;
    private volatile long startNanos;
    private volatile long initMillis = -1;
    private volatile boolean initReported;
    // guarded by lock
    private EnvironmentState state = EnvironmentState.STARTING;
    private Pending current;
    private InitError postedInitError;
    /** END and REPORT of the last answered invocation: written when the runtime asks for the next one, as Lambda does. */
    private String unreported;

    private ExecutionEnvironment(FunctionDefinition function, RuntimeHost host, String id, Path folder,
            Consumer<ExecutionEnvironment> onDeath) throws IOException {
        this.function = function;
        this.host = host;
        this.id = id;
        this.folder = folder;
        this.onDeath = onDeath;
        this.logStream = LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy/MM/dd"))
                + "/[" + function.version() + "]" + UUID.randomUUID().toString().replace("-", "");
        this.api = RuntimeApiServer.start(this);
    }

    /** Starts the process; its Init runs on while {@link #awaitInit()} waits for it. */
    static ExecutionEnvironment launch(FunctionDefinition function, Map<String, String> credentials, RuntimeHost host,
            String id, Consumer<ExecutionEnvironment> onDeath) throws IOException {
        Path folder = Files.createDirectories(host.workDir.resolve("environments")).resolve(id);
        Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path tmp = Files.createDirectory(folder.resolve("tmp"));
        host.giveToSandbox(tmp);
        Path home = Files.createDirectory(folder.resolve("home"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("r-xr-xr-x"));
        ExecutionEnvironment environment = new ExecutionEnvironment(function, host, id, folder, onDeath);
        try {
            environment.start(credentials, tmp, home);
        } catch (IOException | RuntimeException e) {
            environment.api.close();
            deleteQuietly(folder);
            throw e;
        }
        return environment;
    }

    private void start(Map<String, String> credentials, Path tmp, Path home) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ProcessBuilder builder = new ProcessBuilder(JavaRuntimeCommand.command(java, function, host, tmp, home))
                .directory(function.taskRoot().toFile()) // the client's task root is user.dir, as /var/task is in Lambda
                .redirectInput(Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(function.logFile().toFile()));
        builder.environment().clear();
        builder.environment().putAll(JavaRuntimeCommand.environment(function, credentials, host, api.address(),
                logStream, System.getProperty("java.home")));
        Files.createDirectories(function.logFile().getParent());
        log("INIT_START Runtime Version: java:21 (local: JDK " + Runtime.version() + ", "
                + host.ric.runtimeInterfaceClientJar().getFileName() + ")\tEnvironment: " + id + "\tLog stream: "
                + logStream + "\tArchitecture: " + function.architecture());
        startNanos = System.nanoTime();
        process = host.spawn(builder);
        spawned.complete(process);
        process.onExit().thenAccept(this::exited);
        int limit = INIT_LIMIT_SECONDS + function.timeoutSeconds();
        host.timers.schedule(() -> initTimedOut(limit), limit, TimeUnit.SECONDS);
        LOG.info("function {}: environment {} started, pid {}", function.name(), id, process.pid());
    }

    /** Blocks until Init ended: ready for its first invocation, or failed (then the process is gone). */
    InitOutcome awaitInit() {
        return init.join();
    }

    long pid() {
        return process.pid();
    }

    /** Ready, or about to be: alive and past Init. */
    boolean isUsable() {
        synchronized (lock) {
            return state != EnvironmentState.DEAD && state != EnvironmentState.STARTING && process.isAlive();
        }
    }

    EnvironmentState state() {
        synchronized (lock) {
            return state;
        }
    }

    /**
     * Hands the payload to the runtime and waits for its answer, or for the function's timeout (then SIGKILLs the
     * process). Throws {@link NotDelivered} when the process died before the runtime took the invocation.
     */
    InvocationResult invoke(String payloadJson) {
        Pending pending = new Pending();
        synchronized (lock) {
            if (state == EnvironmentState.DEAD) {
                throw new NotDelivered();
            }
            if (current != null) {
                throw new IllegalStateException("environment " + id + " already holds an invocation");
            }
            current = pending;
            state = EnvironmentState.BUSY;
        }
        long timeoutMs = function.timeoutSeconds() * 1000L;
        api.dispatch(new RuntimeApiServer.Invocation(pending.requestId, payloadJson.getBytes(UTF_8),
                System.currentTimeMillis() + timeoutMs, function.arn(), traceId(function.activeTracing())));
        return await(pending, timeoutMs);
    }

    private InvocationResult await(Pending pending, long timeoutMs) {
        boolean interrupted = false;
        long deadline = pending.createdNanos + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try {
            while (true) {
                try {
                    return pending.result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true; // the invocation runs on regardless, as in Lambda; so does the wait
                } catch (TimeoutException e) {
                    Timeout timeout = new Timeout(function.timeoutSeconds());
                    if (pending.result.complete(timeout)) {
                        log(Instant.now() + " " + pending.requestId + " " + timeout.errorMessage() + "\n"
                                + report(pending, timeout));
                        kill();
                    }
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** SIGKILL to the process and its descendants; returns once the environment is DEAD (or after 10 s). */
    void kill() {
        ProcessTrees.killNow(process.toHandle());
        try {
            gone.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("function {}: environment {} (pid {}) did not end after SIGKILL", function.name(), id, pid());
        }
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    CompletableFuture<Void> gone() {
        return gone;
    }

    RuntimeApiServer runtimeApi() {
        return api;
    }

    EnvironmentStats stats() {
        EnvironmentState now = state();
        return new EnvironmentStats(process.pid(), now, initMillis, invocations.get(),
                now == EnvironmentState.DEAD ? -1 : procStatusKb("VmRSS:"));
    }

    // ---- what the runtime says (server threads) ----

    @Override
    public void nextRequested() {
        boolean first = false;
        String report;
        synchronized (lock) {
            report = unreported;
            unreported = null;
        }
        // the last invocation's REPORT line is in the log before the environment reads as READY again: whoever waits
        // for READY (a caller, a test) then finds it there. Nothing can be dispatched here meanwhile, as the state
        // is still BUSY.
        if (report != null) {
            log(report);
        }
        synchronized (lock) {
            if (state == EnvironmentState.STARTING) {
                initMillis = millisSince(startNanos);
                state = EnvironmentState.READY;
                first = true;
            } else if (state == EnvironmentState.BUSY && current == null) {
                state = EnvironmentState.READY;
            }
        }
        if (first && init.complete(new InitOutcome.Ready(spawned.join().pid(), initMillis))) {
            LOG.info("function {}: environment {} ready after {} ms", function.name(), id, initMillis);
        }
    }

    @Override
    public void invocationDelivered(String requestId) {
        synchronized (lock) {
            if (current == null || !current.requestId.equals(requestId)) {
                return;
            }
            current.deliveredNanos = System.nanoTime();
        }
        log("START RequestId: " + requestId + " Version: " + function.version());
    }

    @Override
    public Ack responded(String requestId, byte[] body) {
        Pending pending = take(requestId);
        if (pending == null) {
            return Ack.INVALID_REQUEST_ID;
        }
        if (body.length > MAX_RESPONSE_BYTES) {
            // Lambda's wording; the Java client then fails to post an error for it too and exits
            String message = "Response payload size (" + body.length + " bytes) exceeded maximum allowed payload size ("
                    + MAX_RESPONSE_BYTES + " bytes).";
            String type = "Function.ResponseSizeTooLarge";
            settle(pending, new FunctionError(type, message, ErrorDocuments.document(type, message),
                    pending.durationMs()));
            return Ack.PAYLOAD_TOO_LARGE;
        }
        settle(pending, new Success(new String(body, UTF_8), pending.durationMs()));
        return Ack.ACCEPTED;
    }

    @Override
    public Ack errored(String requestId, String errorTypeHeader, byte[] body) {
        Pending pending = take(requestId);
        if (pending == null) {
            return Ack.INVALID_REQUEST_ID;
        }
        InitError error = parseError(errorTypeHeader, body);
        settle(pending, new FunctionError(error.errorType(), error.errorMessage(), new String(body, UTF_8),
                pending.durationMs()));
        return Ack.ACCEPTED;
    }

    @Override
    public Ack initErrored(String errorTypeHeader, byte[] body) {
        synchronized (lock) {
            if (state != EnvironmentState.STARTING || postedInitError != null) {
                return Ack.INVALID_STATE;
            }
            postedInitError = parseError(errorTypeHeader, body);
        }
        LOG.info("function {}: environment {} reported an init error of type {}", function.name(), id,
                postedInitError.errorType());
        // the client exits right after; Lambda resets the environment whatever it does
        host.timers.schedule(() -> ProcessTrees.signalKill(process.toHandle()), 1, TimeUnit.SECONDS);
        return Ack.ACCEPTED;
    }

    private Pending take(String requestId) {
        synchronized (lock) {
            if (current == null || !current.requestId.equals(requestId)) {
                return null;
            }
            Pending pending = current;
            pending.answeredNanos = System.nanoTime();
            current = null;
            invocations.incrementAndGet();
            return pending;
        }
    }

    /** Answers the caller; the report waits for the runtime's next {@code next} (or its end). */
    private void settle(Pending pending, InvocationResult result) {
        String report = report(pending, result);
        if (pending.result.complete(result)) { // not after a timeout: its report is written
            synchronized (lock) {
                unreported = report; // before the runtime gets its 202, so before its next
            }
        }
    }

    /** An error document: {@code errorType} from the body, else the header (Lambda's type for the error), else unknown. */
    private static InitError parseError(String errorTypeHeader, byte[] body) {
        String fallbackType = errorTypeHeader != null ? errorTypeHeader : "Runtime.Unknown";
        try {
            JsonNode document = ErrorDocuments.JSON.readTree(body);
            return new InitError(document.path("errorType").asText(fallbackType),
                    document.path("errorMessage").asText(""));
        } catch (IOException e) {
            return new InitError(fallbackType, new String(body, UTF_8));
        }
    }

    // ---- endings ----

    private void initTimedOut(int limitSeconds) {
        InitError timedOut = new InitError("Sandbox.Timedout",
                "Init did not finish within " + limitSeconds + " seconds (Lambda's 10 s Init limit + the function's timeout)");
        if (init.complete(new InitOutcome.Failed(timedOut))) {
            log(Instant.now() + " INIT " + timedOut.errorMessage());
            ProcessTrees.signalKill(process.toHandle());
        }
    }

    private void exited(Process ended) {
        try {
            ended(ended.exitValue());
        } finally {
            gone.complete(null);
        }
    }

    private void ended(int exitCode) {
        Pending orphan;
        InitError initError;
        String report;
        synchronized (lock) {
            state = EnvironmentState.DEAD;
            orphan = current;
            current = null;
            report = unreported;
            unreported = null;
            initError = postedInitError != null ? postedInitError
                    : new InitError("Runtime.ExitError", "Runtime exited with error: " + ErrorDocuments.exitStatus(exitCode));
        }
        try {
            // first out of the pool, so no caller woken below finds it there
            onDeath.accept(this);
            api.close();
            deleteQuietly(folder);
            LOG.info("function {}: environment {} (pid {}) gone, {}", function.name(), id, pid(),
                    ErrorDocuments.exitStatus(exitCode));
        } finally {
            settleEnd(exitCode, orphan, initError, report);
        }
    }

    /** Whoever waits on this environment learns how it ended. */
    private void settleEnd(int exitCode, Pending orphan, InitError initError, String report) {
        if (init.complete(new InitOutcome.Failed(initError))) {
            log("INIT_REPORT Init Duration: " + millisSince(startNanos) + " ms\tPhase: init\tStatus: error\tError Type: "
                    + initError.errorType());
        }
        if (report != null) {
            log(report);
        }
        if (orphan != null) {
            Crashed crashed = new Crashed(exitCode);
            if (orphan.deliveredNanos == 0) {
                orphan.result.completeExceptionally(new NotDelivered());
            } else if (orphan.result.complete(crashed)) {
                log("RequestId: " + orphan.requestId + " Error: " + crashed.errorMessage() + "\n"
                        + crashed.errorType() + "\n" + report(orphan, crashed));
            }
        }
    }

    // ---- the function's log ----

    /** Lambda's END and REPORT lines for an invocation; Max Memory Used is the process' peak RSS so far. */
    private String report(Pending pending, InvocationResult result) {
        double millis = pending.durationNanos() / 1e6;
        StringBuilder line = new StringBuilder("END RequestId: ").append(pending.requestId).append('\n')
                .append("REPORT RequestId: ").append(pending.requestId)
                .append(String.format(Locale.ROOT, "\tDuration: %.2f ms\tBilled Duration: %d ms", millis,
                        (long) Math.ceil(millis)))
                .append("\tMemory Size: ").append(function.memoryMb()).append(" MB");
        long peakKb = procStatusKb("VmHWM:");
        if (peakKb >= 0) {
            line.append("\tMax Memory Used: ").append(peakKb / 1024).append(" MB");
        }
        if (!initReported) {
            initReported = true;
            line.append("\tInit Duration: ").append(initMillis).append(" ms");
        }
        if (result instanceof Timeout) {
            line.append("\tStatus: timeout");
        } else if (result instanceof InvocationResult.Failure failure) {
            line.append("\tStatus: error\tError Type: ").append(failure.errorType());
        }
        return line.toString();
    }

    /** One line (or a few) appended to the function's log beside the process' own output, as Lambda's platform lines. */
    private void log(String line) {
        try {
            Files.writeString(function.logFile(), line + "\n", UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.warn("function {}: cannot write to {}: {}", function.name(), function.logFile(), e.toString());
        }
    }

    private long procStatusKb(String field) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            return lines.filter(l -> l.startsWith(field)).findFirst()
                    .map(l -> Long.parseLong(l.substring(field.length()).replace("kB", "").trim())).orElse(-1L);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * An X-Ray trace header as Lambda passes it: Root=1-{epoch seconds, hex}-{96 random bits};Parent=…;Sampled=1 where
     * the function traces actively, else Sampled=0.
     */
    static String traceId(boolean sampled) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        HexFormat hex = HexFormat.of();
        byte[] root = new byte[12];
        byte[] parent = new byte[8];
        random.nextBytes(root);
        random.nextBytes(parent);
        return "Root=1-" + Long.toHexString(Instant.now().getEpochSecond()) + "-" + hex.formatHex(root) + ";Parent="
                + hex.formatHex(parent) + ";Sampled=" + (sampled ? 1 : 0);
    }

    private static void deleteQuietly(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            List<Path> all = paths.sorted(Comparator.reverseOrder()).toList();
            for (Path path : all) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot delete {}: {}", folder, e.toString());
        }
    }
}
