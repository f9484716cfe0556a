package dev.inferbus.local.cli;

import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.template.Synthesizer;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Override
    public Integer call() throws Exception {
        LocalCloud.Settings settings = LocalCloud.Settings.defaults();
        if (randomPorts) {
            settings = settings.withRandomPorts();
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
            cloud.close();
            stopped.countDown();
        }, "inferbus-up-shutdown"));
        LogsCommand.record(work, cloud.functionNames());
        cloud.endpoints().byService().forEach((service, uri) -> out.println("endpoint." + service + "=" + uri));
        out.println("bus=" + cloud.busName());
        out.println("table=" + cloud.tableName());
        out.println("bucket=" + cloud.bucketName());
        cloud.report().forEach(out::println);
        out.println("logs: ./inferbus logs FUNCTION [--follow] (" + work.resolve("logs") + ")");
        err.printf("started in %d ms; Ctrl-C stops everything%n", (System.nanoTime() - start) / 1_000_000);
        out.println("ready");
        out.flush();
        stopped.await();
        return 0;
    }
}
