package dev.inferbus.local.cli;

import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.samples.SampleEvents;
import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.soak.Soak;
import dev.inferbus.local.demo.Demo;
import java.io.PrintStream;
import java.time.Duration;

/**
 * {@code demo}: deploys the synthesized template to the local cloud (every function a process of its zip), puts every sample event through PutEvents, waits
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
            boolean ok = new Demo(cloud, CatalogLoader.loadClasspath(), out).run(SampleEvents.all(), Duration.ofSeconds(120));
            out.printf("demo %s in %.1f s%n", ok ? "passed" : "FAILED", (System.nanoTime() - start) / 1e9);
            return ok ? 0 : 1;
        }
    }
}
