package dev.inferbus.local.cli;

import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.samples.SampleEvents;
import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.cloud.LocalFunctions;
import dev.inferbus.local.soak.Soak;
import java.util.List;
import dev.inferbus.local.demo.Demo;
import java.io.PrintStream;
import java.time.Duration;

/**
 * {@code demo}: starts the local cloud with the real handlers, puts every sample event through PutEvents, waits
 * for the results, prints them and stops. Exit 0 iff every sample ended as it promises.
 */
final class DemoCommand {

    private final PrintStream out;
    private final PrintStream err;

    DemoCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) throws Exception {
        boolean soak = false;
        int events = 20_000;
        int rate = 200;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--soak" -> soak = true;
                case "--events" -> events = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                default -> {
                    err.println("usage: ./inferbus demo [--soak [--events N] [--rate EVENTS_PER_SECOND]]");
                    return 2;
                }
            }
        }
        return soak ? soak(events, rate) : demo();
    }

    /** {@code --soak}: the reconciliation of many mixed events with faults on; exit 0 iff nothing lost or doubled. */
    private int soak(int events, int rate) throws Exception {
        var catalog = CatalogLoader.loadClasspath();
        var faults = Soak.functionFaults(Soak.FaultRates.DEFAULT);
        try (LocalCloud cloud = LocalCloud.start(catalog, Soak.settings());
             LocalFunctions functions = new LocalFunctions(List.of(faults))) {
            out.println("functions attached: " + functions.attachFunctions(cloud, "classpath:"));
            out.printf("soak: %d events at up to %d/s with faults on%n", events, rate);
            Soak.Report report = new Soak(out).run(cloud, faults, Soak.FaultRates.DEFAULT, events, rate);
            out.println(report.clean() ? "soak passed" : "soak FAILED");
            return report.clean() ? 0 : 1;
        }
    }

    private int demo() throws Exception {
        long start = System.nanoTime();
        var catalog = CatalogLoader.loadClasspath();
        try (LocalCloud cloud = LocalCloud.start(catalog, LocalCloud.Settings.defaults().withRandomPorts());
             LocalFunctions functions = new LocalFunctions()) {
            out.printf("local cloud up in %d ms%n", (System.nanoTime() - start) / 1_000_000);
            long attach = System.nanoTime();
            out.println("functions attached: " + functions.attachFunctions(cloud, "classpath:")
                    + String.format(" (%d ms, models loaded)", (System.nanoTime() - attach) / 1_000_000));
            boolean ok = new Demo(cloud, out).run(SampleEvents.all(), Duration.ofSeconds(120));
            out.printf("demo %s in %.1f s%n", ok ? "passed" : "FAILED", (System.nanoTime() - start) / 1e9);
            return ok ? 0 : 1;
        }
    }
}
