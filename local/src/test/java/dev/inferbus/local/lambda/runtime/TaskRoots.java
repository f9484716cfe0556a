package dev.inferbus.local.lambda.runtime;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Builds a deployment zip's unpacked form for the tests: compiled handlers at the root, their dependency in lib/. */
final class TaskRoots {

    /** A RequestHandler that reports what its environment looks like from inside, and misbehaves on request. */
    static final String PROBE = """
            package fn;

            import com.amazonaws.services.lambda.runtime.Context;
            import com.amazonaws.services.lambda.runtime.RequestHandler;
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.util.LinkedHashMap;
            import java.util.Map;
            import java.util.TreeMap;

            public class Probe implements RequestHandler<Map<String, Object>, Map<String, Object>> {

                @Override
                public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
                    long started = System.currentTimeMillis();
                    Object marker = input.get("touch");
                    if (marker != null) {
                        try {
                            Files.writeString(Path.of(marker.toString()), context.getAwsRequestId());
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    String action = String.valueOf(input.getOrDefault("action", "echo"));
                    if (action.equals("throw")) {
                        throw new IllegalStateException("boom: " + input.get("why"));
                    }
                    if (action.equals("sleep")) {
                        try {
                            Thread.sleep(((Number) input.get("ms")).longValue());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    Map<String, Object> out = new LinkedHashMap<>();
                    if (action.equals("big")) {
                        out.put("filler", "x".repeat(((Number) input.get("bytes")).intValue()));
                    }
                    out.put("echo", input.get("value"));
                    out.put("pid", ProcessHandle.current().pid());
                    out.put("startedMs", started);
                    out.put("endedMs", System.currentTimeMillis());
                    out.put("remainingMs", context.getRemainingTimeInMillis());
                    out.put("functionName", context.getFunctionName());
                    out.put("functionVersion", context.getFunctionVersion());
                    out.put("invokedArn", context.getInvokedFunctionArn());
                    out.put("memoryMb", context.getMemoryLimitInMB());
                    out.put("logGroup", context.getLogGroupName());
                    out.put("userDir", System.getProperty("user.dir"));
                    out.put("userHome", System.getProperty("user.home"));
                    out.put("tmpDir", System.getProperty("java.io.tmpdir"));
                    out.put("homeWritable", canWrite(System.getProperty("user.home")));
                    out.put("tmpWritable", canWrite(System.getProperty("java.io.tmpdir")));
                    out.put("taskRootWritable", canWrite(System.getenv("LAMBDA_TASK_ROOT")));
                    out.put("maxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
                    out.put("classLoader", getClass().getClassLoader().getClass().getName());
                    out.put("env", new TreeMap<>(System.getenv()));
                    return out;
                }

                private static boolean canWrite(String folder) {
                    try {
                        Path file = Files.createTempFile(Path.of(folder), "probe", ".txt");
                        Files.delete(file);
                        return true;
                    } catch (Exception e) {
                        return false;
                    }
                }
            }
            """;

    /** A handler whose static initializer throws, as one whose model file is missing. */
    static final String BROKEN_INIT = """
            package fn;

            import com.amazonaws.services.lambda.runtime.Context;
            import com.amazonaws.services.lambda.runtime.RequestHandler;
            import java.util.Map;

            public class BrokenInit implements RequestHandler<Map<String, Object>, Map<String, Object>> {

                static {
                    if (Boolean.parseBoolean("true")) {
                        throw new IllegalStateException("model file missing");
                    }
                }

                @Override
                public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
                    return input;
                }
            }
            """;

    private TaskRoots() {
    }

    /** Compiles the handlers into {@code taskRoot}, puts aws-lambda-java-core in its lib/, and makes it read-only. */
    static Path build(Path taskRoot) throws Exception {
        Path core = Path.of(RequestHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Files.createDirectories(taskRoot.resolve("lib"));
        Files.copy(core, taskRoot.resolve("lib").resolve(core.getFileName()));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
            List<JavaFileObject> sources = List.of(source("fn.Probe", PROBE), source("fn.BrokenInit", BROKEN_INIT));
            boolean compiled = javac.getTask(diagnostics, files, null,
                    List.of("--release", "21", "-d", taskRoot.toString(), "-cp", core.toString()), null, sources).call();
            if (!compiled) {
                throw new IllegalStateException("handlers do not compile:\n" + diagnostics);
            }
        }
        readOnly(taskRoot);
        return taskRoot;
    }

    /** r-x for folders, r-- for files, for everyone: Lambda's /var/task is a read-only file system. */
    static void readOnly(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.setPosixFilePermissions(path,
                        PosixFilePermissions.fromString(Files.isDirectory(path) ? "r-xr-xr-x" : "r--r--r--"));
            }
        }
    }

    /** Writable again, so the test can delete it. */
    static void writable(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.toList()) {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    private static JavaFileObject source(String className, String code) {
        return new SimpleJavaFileObject(URI.create("string:///" + className.replace('.', '/') + ".java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return code;
            }
        };
    }

    static Map<String, String> credentials() {
        return Map.of("AWS_ACCESS_KEY_ID", "AKIDLOCALTEST", "AWS_SECRET_ACCESS_KEY", "local-secret",
                "AWS_SESSION_TOKEN", "local-token");
    }
}
