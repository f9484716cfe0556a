package dev.inferbus.local.lambda.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One function as its template deploys it, for {@link LambdaService#deploy}.
 *
 * @param name           the function name
 * @param arn            the qualified ARN invocations carry as {@code Lambda-Runtime-Invoked-Function-Arn}; its region is
 *                       the function's {@code AWS_REGION}
 * @param handler        {@code _HANDLER}, e.g. {@code com.example.Handler} or {@code com.example.Handler::handleRequest}
 * @param taskRoot       the deployment zip, already unpacked into a read-only folder ({@code /var/task})
 * @param environment    the template's Environment.Variables, resolved; Lambda's reserved names are refused as
 *                       CreateFunction refuses them
 * @param memoryMb       MemorySize, 128 to 10240; the heap is 85 % of it
 * @param timeoutSeconds Timeout, 1 to 900
 * @param architecture   {@code x86_64} or {@code arm64}; informational, the processes run on this machine's architecture
 * @param maxConcurrency the most execution environments (processes) the function may have at once
 * @param logFile        where every environment's stdout and stderr are appended (the function's log group)
 * @param version        {@code AWS_LAMBDA_FUNCTION_VERSION}: {@code $LATEST} or the number the ARN's alias points to
 * @param logging        the template's LoggingConfig
 * @param activeTracing  the template's TracingConfig is Active: Lambda samples the invocation's trace itself, so the
 *                       trace header it hands the runtime says Sampled=1 (locally every invocation is sampled, where
 *                       X-Ray's default rule would take one a second and 5 % beyond it:
 *                       https://docs.aws.amazon.com/xray/latest/devguide/xray-console-sampling.html)
 */
public record FunctionDefinition(String name, String arn, String handler, Path taskRoot, Map<String, String> environment,
        int memoryMb, int timeoutSeconds, String architecture, int maxConcurrency, Path logFile, String version,
        LoggingConfig logging, boolean activeTracing) {

    /** Variables Lambda sets itself; a function configuration may not set them (Lambda's "reserved" list). */
    static final Set<String> RESERVED = Set.of("_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION",
            "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
            "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "TZ",
            "AWS_LAMBDA_LOG_FORMAT", "AWS_LAMBDA_LOG_LEVEL");

    private static final Pattern ARN = Pattern.compile(
            "arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\\d{12}):function:([A-Za-z0-9_-]+)(?::(\\$LATEST|[A-Za-z0-9_-]+))?");

    public FunctionDefinition {
        Objects.requireNonNull(name, "name");
        Matcher arnParts = ARN.matcher(Objects.requireNonNull(arn, "arn"));
        if (!arnParts.matches() || !arnParts.group(3).equals(name)) {
            throw new IllegalArgumentException("not a Lambda ARN of function " + name + ": " + arn);
        }
        if (handler == null || handler.isBlank()) {
            throw new IllegalArgumentException(name + ": no handler");
        }
        if (!Files.isDirectory(Objects.requireNonNull(taskRoot, "taskRoot"))) {
            throw new IllegalArgumentException(name + ": task root " + taskRoot + " is not a folder");
        }
        taskRoot = taskRoot.toAbsolutePath().normalize();
        Set<String> reserved = new TreeSet<>(Objects.requireNonNull(environment, "environment").keySet());
        reserved.retainAll(RESERVED);
        if (!reserved.isEmpty()) {
            throw new IllegalArgumentException(name + ": reserved environment variables " + reserved);
        }
        environment = Collections.unmodifiableMap(new TreeMap<>(environment));
        if (memoryMb < 128 || memoryMb > 10_240) {
            throw new IllegalArgumentException(name + ": MemorySize " + memoryMb + " is outside 128..10240");
        }
        if (timeoutSeconds < 1 || timeoutSeconds > 900) {
            throw new IllegalArgumentException(name + ": Timeout " + timeoutSeconds + " is outside 1..900");
        }
        if (!"x86_64".equals(architecture) && !"arm64".equals(architecture)) {
            throw new IllegalArgumentException(name + ": architecture " + architecture + " is not x86_64 or arm64");
        }
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException(name + ": maxConcurrency " + maxConcurrency + " < 1");
        }
        logFile = Objects.requireNonNull(logFile, "logFile").toAbsolutePath();
        if (version == null || !(version.equals("$LATEST") || version.matches("\\d+"))) {
            throw new IllegalArgumentException(name + ": version " + version + " is neither $LATEST nor a number");
        }
        Objects.requireNonNull(logging, "logging");
    }

    /** With Lambda's defaults: plain-text logs, tracing passed through. */
    public FunctionDefinition(String name, String arn, String handler, Path taskRoot, Map<String, String> environment,
            int memoryMb, int timeoutSeconds, String architecture, int maxConcurrency, Path logFile, String version) {
        this(name, arn, handler, taskRoot, environment, memoryMb, timeoutSeconds, architecture, maxConcurrency, logFile,
                version, LoggingConfig.TEXT, false);
    }

    /**
     * The version follows from the ARN: none or {@code $LATEST} is {@code $LATEST}, a number is that version. An alias
     * ARN needs the canonical constructor, since only the caller knows the version the alias points to.
     */
    public FunctionDefinition(String name, String arn, String handler, Path taskRoot, Map<String, String> environment,
            int memoryMb, int timeoutSeconds, String architecture, int maxConcurrency, Path logFile, LoggingConfig logging,
            boolean activeTracing) {
        this(name, arn, handler, taskRoot, environment, memoryMb, timeoutSeconds, architecture, maxConcurrency, logFile,
                versionOf(arn), logging, activeTracing);
    }

    public FunctionDefinition(String name, String arn, String handler, Path taskRoot, Map<String, String> environment,
            int memoryMb, int timeoutSeconds, String architecture, int maxConcurrency, Path logFile) {
        this(name, arn, handler, taskRoot, environment, memoryMb, timeoutSeconds, architecture, maxConcurrency, logFile,
                LoggingConfig.TEXT, false);
    }

    /** The region of the ARN: {@code AWS_REGION} and {@code AWS_DEFAULT_REGION}. */
    public String region() {
        Matcher arnParts = ARN.matcher(arn);
        arnParts.matches();
        return arnParts.group(1);
    }

    public String logGroupName() {
        return "/aws/lambda/" + name;
    }

    private static String versionOf(String arn) {
        Matcher arnParts = ARN.matcher(Objects.requireNonNull(arn, "arn"));
        if (!arnParts.matches()) {
            throw new IllegalArgumentException("not a Lambda ARN: " + arn);
        }
        String qualifier = arnParts.group(4);
        if (qualifier == null || qualifier.equals("$LATEST") || qualifier.matches("\\d+")) {
            return qualifier == null ? "$LATEST" : qualifier;
        }
        throw new IllegalArgumentException("alias ARN " + arn + ": give the version the alias points to");
    }
}
