package dev.inferbus.local.lambda.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every environment of one {@link LambdaService} shares: the runtime interface client, its JNI library, the work
 * folder, and the one thread that starts processes.
 *
 * <p>Processes start under {@code setpriv --pdeathsig KILL} when the machine has setpriv (util-linux): the kernel then
 * SIGKILLs a function process when the thread that started it dies, so none outlives a SIGKILLed local cloud even if its
 * handler never returns. Parent-death is bound to the starting <em>thread</em>, hence one long-lived spawner thread.
 * When the local cloud runs as root, setpriv also drops the process to nobody (65534), as Lambda runs functions as an
 * unprivileged sandbox user: otherwise root could write to the read-only task root and home folder.
 */
final class RuntimeHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeHost.class);
    static final int SANDBOX_UID = 65534;

    final RicClasspath ric;
    final Path workDir;
    /** {@code LAMBDA_RUNTIME_DIR}; holds {@code lib/jni/}, as /var/runtime does in Lambda. */
    final Path runtimeDir;
    final Path jniLibrary;
    final List<String> launcherPrefix;
    final OptionalInt sandboxUid;
    final ScheduledExecutorService timers;
    private final ExecutorService spawner;

    RuntimeHost(RicClasspath ric, Path workDir) throws IOException {
        this.ric = ric;
        this.workDir = Files.createDirectories(workDir).toAbsolutePath();
        // the sandbox user must reach each environment's folders through it
        Files.setPosixFilePermissions(this.workDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        this.runtimeDir = Files.createDirectories(this.workDir.resolve("runtime"));
        this.jniLibrary = extractJni(ric, runtimeDir.resolve("lib/jni"));
        Path setpriv = Stream.of("/usr/bin/setpriv", "/bin/setpriv").map(Path::of).filter(Files::isExecutable)
                .findFirst().orElse(null);
        List<String> prefix = new ArrayList<>();
        OptionalInt uid = OptionalInt.empty();
        if (setpriv == null) {
            LOG.warn("no setpriv: function processes run as this user, and one whose handler never returns outlives a"
                    + " SIGKILLed local cloud");
        } else {
            prefix.add(setpriv.toString());
            if (isRoot()) {
                uid = OptionalInt.of(SANDBOX_UID);
                prefix.addAll(List.of("--reuid=" + SANDBOX_UID, "--regid=" + SANDBOX_UID, "--clear-groups"));
            }
            prefix.addAll(List.of("--pdeathsig", "KILL", "--"));
        }
        this.launcherPrefix = List.copyOf(prefix);
        this.sandboxUid = uid;
        requireSandboxCanRead(ric.directory());
        this.spawner = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("lambda-spawner").factory());
        this.timers = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("lambda-timers").factory());
    }

    /** Starts the process on the spawner thread (see the class comment). */
    Process spawn(ProcessBuilder builder) throws IOException {
        try {
            return spawner.submit(builder::start).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + builder.command().getFirst(), e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** A folder the sandbox user owns (its /tmp), or one this user owns when there is no sandbox user. */
    void giveToSandbox(Path folder) throws IOException {
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        if (sandboxUid.isPresent()) {
            Files.setAttribute(folder, "unix:uid", sandboxUid.getAsInt());
            Files.setAttribute(folder, "unix:gid", sandboxUid.getAsInt());
        }
    }

    /**
     * When processes run as the sandbox user, a folder they must read (the client's jars, a task root) and every folder
     * above it must let others in; the check names the folder to open rather than letting every Init fail.
     */
    void requireSandboxCanRead(Path folder) {
        if (sandboxUid.isEmpty()) {
            return;
        }
        for (Path at = folder.toAbsolutePath(); at != null; at = at.getParent()) {
            Set<PosixFilePermission> permissions;
            try {
                permissions = Files.getPosixFilePermissions(at);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            boolean enter = permissions.contains(PosixFilePermission.OTHERS_EXECUTE);
            boolean list = !at.equals(folder.toAbsolutePath()) || permissions.contains(PosixFilePermission.OTHERS_READ);
            if (!enter || !list) {
                throw new IllegalArgumentException("function processes run as uid " + SANDBOX_UID
                        + " (Lambda runs functions as an unprivileged user), which cannot read " + folder + ": " + at
                        + " needs o+rx");
            }
        }
    }

    @Override
    public void close() {
        spawner.shutdownNow();
        timers.shutdownNow();
    }

    /**
     * Lambda's java runtime starts the client with its JNI library already on disk
     * ({@code -Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI=/var/runtime/lib/jni/...}).
     * Without that property the client copies the library to the fixed path /tmp/.libaws-lambda-jni.so, which processes
     * starting side by side here would overwrite under each other; so the library is extracted once, here.
     */
    private static Path extractJni(RicClasspath ric, Path folder) throws IOException {
        String arch = System.getProperty("os.arch");
        String cpu = arch.equals("aarch64") || arch.equals("arm64") ? "aarch_64" : "x86_64";
        boolean musl = Files.exists(Path.of("/lib/ld-musl-" + (cpu.equals("x86_64") ? "x86_64" : "aarch64") + ".so.1"));
        String name = "libaws-lambda-jni." + (musl ? "linux_musl-" : "linux-") + cpu + ".so";
        Files.createDirectories(folder);
        Path target = folder.resolve(name);
        try (ZipFile jar = new ZipFile(ric.runtimeInterfaceClientJar().toFile())) {
            ZipEntry entry = jar.getEntry("jni/" + name);
            if (entry == null) {
                throw new IOException(ric.runtimeInterfaceClientJar() + " has no jni/" + name);
            }
            try (InputStream in = jar.getInputStream(entry)) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        return target;
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
