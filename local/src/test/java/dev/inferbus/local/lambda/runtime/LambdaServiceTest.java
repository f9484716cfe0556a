package dev.inferbus.local.lambda.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.local.lambda.runtime.InvocationResult.Crashed;
import dev.inferbus.local.lambda.runtime.InvocationResult.FunctionError;
import dev.inferbus.local.lambda.runtime.InvocationResult.InitError;
import dev.inferbus.local.lambda.runtime.InvocationResult.Success;
import dev.inferbus.local.lambda.runtime.InvocationResult.Timeout;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Function processes under AWS's runtime interface client: what a handler sees, and every way an invocation ends. One
 * service for the class; its close is the last test.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LambdaServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REGION = "eu-west-1";

    private static Path root;
    private static Path taskRoot;
    private static Path markers;
    private static LambdaService service;

    @BeforeAll
    static void deployable() throws Exception {
        root = Files.createTempDirectory("lambda-runtime-test-");
        // function processes may run as an unprivileged user: they must reach the task root, and write the markers
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        markers = Files.createDirectory(root.resolve("markers"));
        Files.setPosixFilePermissions(markers, PosixFilePermissions.fromString("rwxrwxrwx"));
        taskRoot = TaskRoots.build(root.resolve("task"));
        service = new LambdaService(RicClasspath.locate(), root.resolve("work"));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (service != null) {
            service.close();
        }
        TaskRoots.writable(root);
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    static FunctionDefinition function(String name, String handler, int timeoutSeconds, int maxConcurrency) {
        return new FunctionDefinition(name, "arn:aws:lambda:" + REGION + ":123456789012:function:" + name, handler,
                taskRoot, Map.of("MODEL_BUCKET", "models-local"), 512, timeoutSeconds, "x86_64", maxConcurrency,
                root.resolve("logs").resolve(name + ".log"));
    }

    @Test
    @Order(10)
    void anInvocationReturnsTheHandlersOutputAndTheHandlerSeesLambdasEnvironment() throws Exception {
        FunctionPool pool = service.deploy(function("probe", "fn.Probe", 30, 1), TaskRoots.credentials());

        InvocationResult result = pool.invoke("{\"value\":\"hello\"}");

        assertThat(result).isInstanceOf(Success.class);
        JsonNode out = JSON.readTree(result.payload());
        assertThat(out.get("echo").asText()).isEqualTo("hello");
        assertThat(out.get("remainingMs").asLong()).isBetween(20_000L, 30_000L);
        assertThat(out.get("functionName").asText()).isEqualTo("probe");
        assertThat(out.get("functionVersion").asText()).isEqualTo("$LATEST");
        assertThat(out.get("invokedArn").asText()).isEqualTo("arn:aws:lambda:eu-west-1:123456789012:function:probe");
        assertThat(out.get("memoryMb").asInt()).isEqualTo(512);
        assertThat(out.get("logGroup").asText()).isEqualTo("/aws/lambda/probe");
        // the client's own loader reads the task root: it is the working directory, not on the classpath
        assertThat(out.get("userDir").asText()).isEqualTo(taskRoot.toString());
        assertThat(out.get("classLoader").asText()).endsWith("CustomerClassLoader");
        assertThat(out.get("tmpWritable").asBoolean()).isTrue();
        assertThat(out.get("homeWritable").asBoolean()).isFalse();
        assertThat(out.get("taskRootWritable").asBoolean()).isFalse();
        // 85 % of 512 MB, less what the serial collector keeps back for a survivor space
        assertThat(out.get("maxHeapMb").asLong()).isBetween(380L, 436L);

        JsonNode env = out.get("env");
        assertThat(env.get("LAMBDA_TASK_ROOT").asText()).isEqualTo(taskRoot.toString());
        assertThat(env.get("_HANDLER").asText()).isEqualTo("fn.Probe");
        assertThat(env.get("AWS_LAMBDA_FUNCTION_NAME").asText()).isEqualTo("probe");
        assertThat(env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").asText()).isEqualTo("512");
        assertThat(env.get("AWS_LAMBDA_FUNCTION_VERSION").asText()).isEqualTo("$LATEST");
        assertThat(env.get("AWS_LAMBDA_LOG_STREAM_NAME").asText()).matches("\\d{4}/\\d{2}/\\d{2}/\\[\\$LATEST][0-9a-f]{32}");
        assertThat(env.get("AWS_REGION").asText()).isEqualTo(REGION);
        assertThat(env.get("AWS_DEFAULT_REGION").asText()).isEqualTo(REGION);
        assertThat(env.get("AWS_EXECUTION_ENV").asText()).isEqualTo("AWS_Lambda_java21");
        assertThat(env.get("TZ").asText()).isEqualTo(":UTC");
        assertThat(env.get("MODEL_BUCKET").asText()).isEqualTo("models-local");
        assertThat(env.get("AWS_ACCESS_KEY_ID").asText()).isEqualTo("AKIDLOCALTEST");
        assertThat(env.get("AWS_SESSION_TOKEN").asText()).isEqualTo("local-token");
        List<String> names = new ArrayList<>();
        env.fieldNames().forEachRemaining(names::add);
        assertThat(names).as("nothing of the test JVM's environment").containsExactlyInAnyOrder("LANG", "PATH",
                "LD_LIBRARY_PATH", "MODEL_BUCKET", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
                "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_RUNTIME_API", "AWS_REGION", "AWS_DEFAULT_REGION",
                "AWS_EXECUTION_ENV", "_HANDLER", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "TZ", "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN");

        List<EnvironmentStats> stats = pool.stats();
        assertThat(stats).hasSize(1);
        assertThat(stats.getFirst().pid()).isEqualTo(out.get("pid").asLong());
        assertThat(stats.getFirst().initMillis()).isPositive();
        assertThat(stats.getFirst().invocations()).isEqualTo(1);
        assertThat(stats.getFirst().rssKb()).isPositive();
        await(() -> pool.stats().getFirst().state() == EnvironmentState.READY);
        String log = Files.readString(function("probe", "fn.Probe", 30, 1).logFile());
        assertThat(log).contains("INIT_START Runtime Version: java:21").contains("START RequestId: ")
                .contains("REPORT RequestId: ").contains("Init Duration: ");
    }

    @Test
    @Order(20)
    void aHandlerThatThrowsIsAFunctionErrorWithTheExceptionsTypeAndMessage() throws Exception {
        FunctionPool pool = service.pool("probe");
        long pid = pool.stats().getFirst().pid();

        InvocationResult result = pool.invoke("{\"action\":\"throw\",\"why\":\"bad input\"}");

        assertThat(result).isInstanceOf(FunctionError.class);
        FunctionError error = (FunctionError) result;
        assertThat(error.errorType()).isEqualTo("java.lang.IllegalStateException");
        assertThat(error.errorMessage()).isEqualTo("boom: bad input");
        assertThat(error.functionError()).isEqualTo("Unhandled");
        assertThat(JSON.readTree(error.payload()).get("stackTrace").isArray()).isTrue();
        // the environment lives on, as in Lambda
        InvocationResult next = pool.invoke("{\"value\":\"still here\"}");
        assertThat(JSON.readTree(next.payload()).get("pid").asLong()).isEqualTo(pid);
    }

    @Test
    @Order(30)
    void aHandlerPastItsTimeoutIsKilledAndTheNextInvocationStartsAFreshEnvironment() throws Exception {
        FunctionPool pool = service.deploy(function("sleepy", "fn.Probe", 1, 1), Map.of());
        InitOutcome warm = pool.prewarm();
        assertThat(warm).isInstanceOf(InitOutcome.Ready.class);
        long pid = ((InitOutcome.Ready) warm).pid();

        long start = System.nanoTime();
        InvocationResult result = pool.invoke("{\"action\":\"sleep\",\"ms\":20000}");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(6));
        assertThat(result).isEqualTo(new Timeout(1));
        Timeout timeout = (Timeout) result;
        assertThat(timeout.errorType()).isEqualTo("Sandbox.Timedout");
        assertThat(timeout.errorMessage()).isEqualTo("Task timed out after 1.00 seconds");
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(pool.stats()).isEmpty();

        InvocationResult next = pool.invoke("{\"value\":\"again\"}");
        assertThat(next).isInstanceOf(Success.class);
        assertThat(JSON.readTree(next.payload()).get("pid").asLong()).isNotEqualTo(pid);
    }

    @Test
    @Order(35)
    void aResponseOverLambdasLimitIsAFunctionErrorAndTheRuntimeExitsAsInLambda() throws Exception {
        FunctionPool pool = service.deploy(function("chatty", "fn.Probe", 30, 1), Map.of());

        InvocationResult result = pool.invoke("{\"action\":\"big\",\"bytes\":6300000}");

        assertThat(result).isInstanceOf(FunctionError.class);
        FunctionError error = (FunctionError) result;
        assertThat(error.errorType()).isEqualTo("Function.ResponseSizeTooLarge");
        assertThat(error.errorMessage()).endsWith("exceeded maximum allowed payload size (6291556 bytes).");
        // the Java client cannot report the failure either and exits; the next invocation gets a fresh environment
        InvocationResult next = pool.invoke("{\"value\":\"small\"}");
        assertThat(next).isInstanceOf(Success.class);
        assertThat(pool.stats()).hasSize(1);
    }

    @Test
    @Order(40)
    void aStaticInitializerThatThrowsIsAnInitErrorAndLeavesNoProcess() throws Exception {
        FunctionPool pool = service.deploy(function("broken", "fn.BrokenInit", 30, 1), Map.of());

        InvocationResult result = pool.invoke("{}");

        assertThat(result).isInstanceOf(InitError.class);
        InitError error = (InitError) result;
        assertThat(error.errorType()).isEqualTo("java.lang.ExceptionInInitializerError");
        assertThat(error.errorMessage()).contains("fn.BrokenInit");
        assertThat(pool.stats()).isEmpty();
        assertThat(Files.readString(function("broken", "fn.BrokenInit", 30, 1).logFile()))
                .contains("model file missing");
    }

    @Test
    @Order(50)
    void atMaxConcurrencyTwoTwoInvocationsRunInTwoProcessesAndAThirdWaits() throws Exception {
        FunctionPool pool = service.deploy(function("parallel", "fn.Probe", 30, 2), Map.of());
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try {
            List<Future<InvocationResult>> calls = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                calls.add(callers.submit(() -> pool.invoke("{\"action\":\"sleep\",\"ms\":1500}")));
            }
            List<JsonNode> outs = new ArrayList<>();
            for (Future<InvocationResult> call : calls) {
                InvocationResult result = call.get(60, TimeUnit.SECONDS);
                assertThat(result).isInstanceOf(Success.class);
                outs.add(JSON.readTree(result.payload()));
            }
            assertThat(outs.stream().map(o -> o.get("pid").asLong()).distinct()).hasSize(2);
            outs.sort(Comparator.comparingLong(o -> o.get("startedMs").asLong()));
            long firstEnd = Math.min(outs.get(0).get("endedMs").asLong(), outs.get(1).get("endedMs").asLong());
            assertThat(outs.get(2).get("startedMs").asLong()).as("the third starts once one of the first two ended")
                    .isGreaterThanOrEqualTo(firstEnd);
            assertThat(pool.stats()).hasSize(2);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    @Order(60)
    void aProcessKilledMidInvocationIsACrash() throws Exception {
        FunctionPool pool = service.deploy(function("victim", "fn.Probe", 30, 1), Map.of());
        Path marker = markers.resolve("victim");
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<InvocationResult> call = caller.submit(
                    () -> pool.invoke("{\"action\":\"sleep\",\"ms\":20000,\"touch\":\"" + marker + "\"}"));
            await(() -> Files.exists(marker));
            long pid = pool.stats().getFirst().pid();

            assertThat(pool.killAny()).hasValue(pid);

            InvocationResult result = call.get(10, TimeUnit.SECONDS);
            assertThat(result).isEqualTo(new Crashed(137));
            Crashed crashed = (Crashed) result;
            assertThat(crashed.errorType()).isEqualTo("Runtime.ExitError");
            assertThat(crashed.errorMessage()).isEqualTo("Runtime exited with error: signal: killed");
            assertThat(pool.stats()).isEmpty();
        } finally {
            caller.shutdownNow();
        }
    }

    @Test
    @Order(70)
    void aRuntimeWhoseApiDisappearsExitsOnItsOwn() throws Exception {
        FunctionPool pool = service.deploy(function("abandoned", "fn.Probe", 30, 1), Map.of());
        assertThat(pool.prewarm()).isInstanceOf(InitOutcome.Ready.class);
        ExecutionEnvironment environment = pool.environments().getFirst();
        ProcessHandle process = environment.handle();

        // what the runtime sees of a SIGKILLed local cloud: its connection to the Runtime API drops
        environment.runtimeApi().close();

        assertThat(process.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
        environment.gone().get(5, TimeUnit.SECONDS);
        assertThat(pool.stats()).isEmpty();
    }

    @Test
    @Order(80)
    void aSigkilledParentLeavesNoFunctionProcessEvenOneBusyForAMinute() throws Exception {
        assumeTrue(Stream.of("/usr/bin/setpriv", "/bin/setpriv").anyMatch(p -> Files.isExecutable(Path.of(p))),
                "without setpriv a busy function process lives until its handler returns");
        Process parent = startParent("sigkill", "busy");
        long child = functionPid(parent);

        parent.destroyForcibly().waitFor();

        await(() -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    @Order(90)
    void aSigtermedParentEndsItsFunctionProcessesInItsShutdownHook() throws Exception {
        Process parent = startParent("sigterm", "idle");
        long child = functionPid(parent);

        parent.destroy();

        assertThat(parent.waitFor(10, TimeUnit.SECONDS)).isTrue();
        await(() -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
        assertThat(Files.readString(root.resolve("sigterm.err"))).contains("ending 1 function processes");
    }

    /** A local cloud in its own JVM (stderr in {@code root/NAME.err}) with one prewarmed function, idle or busy. */
    private static Process startParent(String name, String mode) throws Exception {
        return new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"),
                "-D" + RicClasspath.DIRECTORY_PROPERTY + "=" + RicClasspath.locate().directory(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                OrphanParent.class.getName(), taskRoot.toString(), root.resolve(name).toString(), mode)
                .redirectError(root.resolve(name + ".err").toFile()).start();
    }

    private static long functionPid(Process parent) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("the parent's report; its stderr is in " + root).startsWith("READY ");
        long child = Long.parseLong(line.substring("READY ".length()));
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).isTrue();
        return child;
    }

    @Test
    @Order(100)
    void closeLeavesNoProcessBehind() throws Exception {
        FunctionPool pool = service.pool("probe");
        List<Long> pids = Stream.of("probe", "sleepy", "parallel")
                .flatMap(name -> service.pool(name).stats().stream()).map(EnvironmentStats::pid).toList();
        assertThat(pids).hasSizeGreaterThanOrEqualTo(3);

        service.close();

        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid " + pid).isFalse();
        }
        assertThatThrownBy(() -> pool.invoke("{}")).isInstanceOf(IllegalStateException.class);
        assertThat(Files.exists(root.resolve("work/environments/probe-1"))).isFalse();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 20 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /**
     * A local cloud in its own JVM, for the parent-death tests: deploys, prewarms, in "busy" mode starts an invocation
     * that sleeps a minute (and waits until the handler runs), prints the function's pid, waits.
     */
    static final class OrphanParent {
        public static void main(String[] args) throws Exception {
            taskRoot = Path.of(args[0]);
            root = Path.of(args[1]);
            LambdaService service = new LambdaService(RicClasspath.locate(), Path.of(args[1]));
            FunctionPool pool = service.deploy(function("orphan", "fn.Probe", 120, 1), Map.of());
            if (pool.prewarm() instanceof InitOutcome.Ready ready) {
                if (args[2].equals("busy")) {
                    Path marker = Files.createDirectories(root.resolve("markers")).resolve("busy");
                    Files.setPosixFilePermissions(marker.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
                    Thread.ofPlatform().start(() -> pool.invoke(
                            "{\"action\":\"sleep\",\"ms\":60000,\"touch\":\"" + marker + "\"}"));
                    await(() -> Files.exists(marker));
                }
                System.out.println("READY " + ready.pid());
                System.out.flush();
            }
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
