package dev.inferbus.local.cli;

import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.samples.SampleEvents;
import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.demo.Demo;
import dev.inferbus.local.demo.VersionsDemo;
import dev.inferbus.local.soak.Soak;
import java.time.Duration;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: deploys the synthesized template to the local cloud (every function a process of its zip), puts every sample event through PutEvents, waits
 * for the results, prints them and stops. Exit 0 iff every sample ended as it promises.
 */
@Command(name = "demo", description = {"Put every sample event through the local cloud; check results.",
        "Exit 0 iff every sample ended as it promises. --soak is the reliability run instead: many mixed good and bad "
                + "events with faults on, then a reconciliation of events against rows, result events and DLQs; exit 0 "
                + "iff nothing was lost or doubled."})
final class DemoCommand extends CliCommand {

    @ArgGroup(exclusive = false)
    SoakOptions soak;

    /** {@code --soak [--events N] [--rate EVENTS_PER_SECOND]}: the numbers belong to the soak alone. */
    static final class SoakOptions {

        @Option(names = "--soak", required = true, description = "run the soak instead of the demo")
        boolean soak;

        // the defaults are the annotations' own: picocli knows a group's values only once the group is given
        @Option(names = "--events", paramLabel = "N", defaultValue = "20000", description = "events the soak puts (default: ${DEFAULT-VALUE})")
        int events;

        @Option(names = "--rate", paramLabel = "EVENTS_PER_SECOND", defaultValue = "200", description = "the soak's highest rate of puts (default: ${DEFAULT-VALUE})")
        int rate;
    }

    @Override
    public Integer call() throws Exception {
        if (soak == null) {
            return demo();
        }
        if (soak.events < 1 || soak.rate < 1) {
            throw misuse("--events and --rate must be at least 1");
        }
        return soak(soak.events, soak.rate);
    }

    /** {@code --soak}: the reconciliation of many mixed events with faults on; exit 0 iff nothing lost or doubled. */
    private int soak(int events, int rate) throws Exception {
        try (LocalCloud cloud = LocalCloud.start(Soak.settings(), err)) {
            cloud.report().forEach(out::println);
            out.printf("soak: %d events at up to %d/s with faults on%n", events, rate);
            Soak.Report report = new Soak(out).run(cloud, Soak.FaultRates.DEFAULT, events, rate);
            out.println(report.clean() ? "soak passed" : "soak FAILED");
            return report.clean() ? 0 : 1;
        }
    }

    private int demo() throws Exception {
        long start = System.nanoTime();
        try (LocalCloud cloud = LocalCloud.start(LocalCloud.Settings.defaults().withRandomPorts(), err)) {
            out.printf("local cloud up in %d ms, every function a process of its deployment zip:%n", (System.nanoTime() - start) / 1_000_000);
            cloud.report().forEach(out::println);
            ModelCatalog catalog = CatalogLoader.loadClasspath();
            boolean ok = new Demo(cloud, catalog, out).run(SampleEvents.all(), Duration.ofSeconds(120));
            // model versions: fraud-scorer's canary split on 100 keys, then a replay re-scoring them with v2;
            // sentence-embedder's fp32 v2 shadowing its live int8 v1, and its result cache
            VersionsDemo versions = new VersionsDemo(cloud, catalog, out);
            ok &= versions.canaryAndReplay("fraud-scorer", 100, "2", Duration.ofSeconds(90));
            // enough requests that the shadow's 10 % sample holds a few pairs to compare
            ok &= versions.shadow("sentence-embedder", 60, Duration.ofSeconds(90));
            ok &= versions.cache("sentence-embedder", Duration.ofSeconds(60));
            out.printf("demo %s in %.1f s%n", ok ? "passed" : "FAILED", (System.nanoTime() - start) / 1e9);
            return ok ? 0 : 1;
        }
    }
}
