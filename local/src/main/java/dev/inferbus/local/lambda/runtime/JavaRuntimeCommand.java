package dev.inferbus.local.lambda.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How Lambda's java21 managed runtime starts a function's process: the JVM options and the environment.
 *
 * <p>The options follow the java17 runtime's command line as a function observed it in Oct 2024 (published by
 * sigpwned/the-lambda-iceberg-dissecting-the-official-java-runtimes, an {@code AWS_LAMBDA_EXEC_WRAPPER} that prints its
 * arguments):
 * <pre>
 * /var/lang/bin/java -XX:MaxHeapSize=445645k -javaagent:/var/runtime/lib/Log4jHotPatch.jar=log4jFixerVerbose=false
 *   -XX:+UseSerialGC -Xshare:on -XX:SharedArchiveFile=/var/lang/lib/server/runtime.jsa
 *   -XX:+TieredCompilation -XX:TieredStopAtLevel=1 --add-opens=java.base/java.io=ALL-UNNAMED
 *   -Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac -XX:+ErrorFileToStderr
 *   -Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI=/var/runtime/lib/jni/libaws-lambda-jni.linux-x86_64.so
 *   -classpath /var/runtime/lib/aws-lambda-java-core-1.2.3.jar:/var/runtime/lib/aws-lambda-java-runtime-interface-client-2.5.1-linux-x86_64.jar:...
 *   com.amazonaws.services.lambda.runtime.api.client.AWSLambda HANDLER
 * </pre>
 * 445645k is 85 % of 512 MB. The docs confirm tiered compilation stopping at level 1 for Java 17 and 21 and the serial GC
 * (https://docs.aws.amazon.com/lambda/latest/dg/java-customization.html). Not verified: that java21 passes exactly the
 * java17 list; the 85 % rule beyond the 512 MB sample. Left out: the Log4j hot-patch agent (not shipped here) and Lambda's
 * own CDS archive ({@code -Xshare:on} with runtime.jsa), replaced by {@code -Xshare:auto} over the JDK's default archive.
 * Added: {@code java.io.tmpdir} and {@code user.home} pointing at the environment's own folders (Lambda's /tmp is per
 * environment, its home is not writable), and {@code --enable-native-access} on JDK 22+ where the client's
 * {@code System.load} would warn. The JVM is this machine's (the local cloud's own), not Lambda's Corretto 21.
 */
final class JavaRuntimeCommand {

    static final String ENTRY_POINT = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    static final Set<String> CREDENTIALS = Set.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN");

    private JavaRuntimeCommand() {
    }

    /** {@code -XX:MaxHeapSize}: 85 % of MemorySize, in KiB, as Lambda rounds it (512 MB → 445645k). */
    static long maxHeapKb(int memoryMb) {
        return Math.round(memoryMb * 1024 * 0.85);
    }

    static List<String> command(String java, FunctionDefinition function, RuntimeHost host, Path tmp, Path home) {
        List<String> command = new ArrayList<>(host.launcherPrefix);
        command.add(java);
        command.add("-XX:MaxHeapSize=" + maxHeapKb(function.memoryMb()) + "k");
        command.add("-XX:+UseSerialGC");
        command.add("-Xshare:auto");
        command.add("-XX:+TieredCompilation");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("--add-opens=java.base/java.io=ALL-UNNAMED");
        command.add("-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac");
        command.add("-XX:+ErrorFileToStderr");
        command.add("-Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI=" + host.jniLibrary);
        if (Runtime.version().feature() >= 22) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.add("-Djava.io.tmpdir=" + tmp);
        command.add("-Duser.home=" + home);
        // the task root is NOT on the classpath: the client loads it (and lib/*.jar) itself, from user.dir
        command.add("-classpath");
        command.add(host.ric.classpath());
        command.add(ENTRY_POINT);
        command.add(function.handler());
        return command;
    }

    /**
     * Lambda's defined runtime variables (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html) over
     * the function's own; nothing of the local cloud's environment. The unreserved ones (LANG, PATH, LD_LIBRARY_PATH)
     * the function may override, as in Lambda; their values mirror Lambda's, with this JDK in place of /var/lang.
     */
    static Map<String, String> environment(FunctionDefinition function, Map<String, String> credentials,
            RuntimeHost host, String runtimeApi, String logStream, String javaHome) {
        Map<String, String> env = new LinkedHashMap<>();
        String taskRoot = function.taskRoot().toString();
        String runtimeDir = host.runtimeDir.toString();
        env.put("LANG", "en_US.UTF-8");
        env.put("PATH", javaHome + "/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin");
        env.put("LD_LIBRARY_PATH", String.join(":", javaHome + "/lib", "/lib64", "/usr/lib64", runtimeDir,
                runtimeDir + "/lib", taskRoot, taskRoot + "/lib", "/opt/lib"));
        env.putAll(function.environment());
        env.put("AWS_LAMBDA_FUNCTION_NAME", function.name());
        env.put("AWS_LAMBDA_FUNCTION_VERSION", function.version());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memoryMb()));
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", function.logGroupName());
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", logStream);
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
        env.put("AWS_REGION", function.region());
        env.put("AWS_DEFAULT_REGION", function.region());
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.put("_HANDLER", function.handler());
        env.put("LAMBDA_TASK_ROOT", taskRoot);
        env.put("LAMBDA_RUNTIME_DIR", runtimeDir);
        env.put("TZ", ":UTC");
        env.putAll(function.logging().environment());
        credentials.forEach((name, value) -> {
            if (!CREDENTIALS.contains(name)) {
                throw new IllegalArgumentException("not a credentials variable: " + name + " (expected " + CREDENTIALS + ")");
            }
            env.put(name, value);
        });
        return env;
    }
}
