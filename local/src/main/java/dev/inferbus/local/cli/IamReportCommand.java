package dev.inferbus.local.cli;

import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.samples.SampleEvents;
import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.demo.Demo;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import picocli.CommandLine.Command;

/**
 * {@code iam-report}: the least-privilege report of the sample stack. Deploys the template with its policies enforced,
 * puts every sample event through it (the demo, quietly), then prints per function the calls it made against the
 * grants its execution role holds, grants no call used flagged UNUSED. Exit 0 iff the demo passed with no denial.
 */
@Command(name = "iam-report", description = {"Per function, the calls it made against the grants its role holds.",
        "Runs the sample events through the local cloud with the template's policies enforced, then lists each "
                + "function's calls (allowed/denied) and its role's grants, flagging grants no call used."})
final class IamReportCommand extends CliCommand {

    @Override
    public Integer call() throws Exception {
        try (LocalCloud cloud = LocalCloud.start(LocalCloud.Settings.defaults().withRandomPorts(), err)) {
            boolean ok = new Demo(cloud, CatalogLoader.loadClasspath(), new PrintStream(OutputStream.nullOutputStream()))
                    .run(SampleEvents.all(), Duration.ofSeconds(120));
            cloud.leastPrivilege().lines().forEach(out::println);
            out.printf("calls denied: %d; demo %s%n", cloud.deniedCalls(), ok ? "passed" : "FAILED");
            return ok ? 0 : 1;
        }
    }
}
