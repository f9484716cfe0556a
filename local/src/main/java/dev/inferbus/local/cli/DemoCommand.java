package dev.inferbus.local.cli;

import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.samples.SampleEvents;
import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.cloud.LocalFunctions;
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
