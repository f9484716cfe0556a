package dev.inferbus.local.cli;

import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.template.Synthesizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code up [--random-ports]}: synthesizes the CDK app, deploys its template to the local cloud and stays up until
 * Ctrl-C or SIGTERM, which stop every process it started. Prints one {@code endpoint.<service>=<url>} line per
 * service, the functions it started and what it does not emulate, then {@code ready}.
 */
@Command(name = "up", description = {"Deploy the template to the embedded local cloud until Ctrl-C.",
        "Synthesizes the CDK app and deploys its template. Prints one endpoint.<service>=<url> line per service, the functions it started and what it does not emulate, "
                + "then 'ready'; Ctrl-C or SIGTERM stops every process it started."})
final class UpCommand extends CliCommand {

    @Option(names = "--random-ports", description = "listen on free ports instead of the default ones (events on 4010, ...)")
    boolean randomPorts;

    @Option(names = "--no-auth", description = "let unsigned requests, and those signed with keys this cloud did not issue, "
            + "pass as the administrator's (functions still sign as their roles and are still authorized)")
    boolean noAuth;

    /**
     * Where a running up leaves the administrator's keys and CA bundle for producers ({@code put}, the AWS CLI), and
     * the results table's name ({@code compare}).
     */
    static Path producerEnvFile(Path root) {
        return LogsCommand.upDirectory(root).resolve("producer.env");
    }

    @Override
    public Integer call() throws Exception {
        LocalCloud.Settings settings = LocalCloud.Settings.defaults();
        if (randomPorts) {
            settings = settings.withRandomPorts();
        }
        if (noAuth) {
            settings = settings.withoutAuthentication();
        }
        long start = System.nanoTime();
        Path root = Synthesizer.projectRoot();
        var assembly = Synthesizer.synthesize(root, root.resolve("infra-cdk/target/local-cdk.out"), err);
        Path work = LogsCommand.upDirectory(root);
        LogsCommand.clear(work);
        LocalCloud cloud = LocalCloud.start(assembly, settings, Files.createDirectories(work));
        CountDownLatch stopped = new CountDownLatch(1);
        // the JVM runs shutdown hooks on SIGINT (Ctrl-C) and SIGTERM alike
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                // per function, the calls it made: allowed and denied
                cloud.leastPrivilege().functions().forEach((function, access) -> {
                    long allowed = access.calls().values().stream().mapToLong(c -> c.allowed()).sum();
                    long denied = access.calls().values().stream().mapToLong(c -> c.denied()).sum();
                    out.printf("IAM %s: %d calls allowed, %d denied%n", function, allowed, denied);
                });
                cloud.accessLog().denials().forEach((message, count) -> out.println("IAM denied " + count + "x: " + message));
                out.flush();
            } finally {
                cloud.close();
                stopped.countDown();
            }
        }, "inferbus-up-shutdown"));
        Path producer = producerEnvFile(root);
        // the table's name too, under the variable the functions read it from: compare scans it
        Map<String, String> environment = new LinkedHashMap<>(cloud.producerEnvironment());
        environment.put(UpEnvironment.TABLE, cloud.tableName());
        Files.writeString(producer, environment.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue() + "\n").collect(java.util.stream.Collectors.joining()));
        java.nio.file.Files.setPosixFilePermissions(producer, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        LogsCommand.record(work, cloud.functionNames());
        cloud.endpoints().byService().forEach((service, uri) -> out.println("endpoint." + service + "=" + uri));
        out.println("bus=" + cloud.busName());
        out.println("table=" + cloud.tableName());
        out.println("bucket=" + cloud.bucketName());
        cloud.report().forEach(out::println);
        out.println("credentials: the administrator's keys and the gateways' CA bundle are in " + producer
                + " (for the AWS CLI: set -a; . " + producer + "; set +a)");
        out.println("logs: ./inferbus logs FUNCTION [--follow] (" + work.resolve("logs") + ")");
        out.println("traces: ./inferbus trace REQUEST_ID (" + LocalCloud.tracesDirectory(work) + ")");
        err.printf("started in %d ms; Ctrl-C stops everything%n", (System.nanoTime() - start) / 1_000_000);
        out.println("ready");
        out.flush();
        stopped.await();
        return 0;
    }
}
