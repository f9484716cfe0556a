package dev.inferbus.local.cli;

import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.cloud.LocalFunctions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code up [--random-ports] [--catalog FILE]}: starts the local cloud and stays up until Ctrl-C, printing one
 * {@code endpoint.<service>=<url>} line per service, then {@code bus=}, {@code table=} and {@code ready}.
 */
final class UpCommand {

    private final PrintStream out;
    private final PrintStream err;

    UpCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) throws Exception {
        LocalCloud.Settings settings = LocalCloud.Settings.defaults();
        ModelCatalog catalog = null;
        String catalogPath = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--random-ports" -> settings = settings.withRandomPorts();
                case "--catalog" -> {
                    catalogPath = args[++i];
                    catalog = CatalogLoader.load(Path.of(catalogPath));
                }
                default -> {
                    err.println("usage: ./inferbus up [--random-ports] [--catalog catalog.yaml]");
                    return 2;
                }
            }
        }
        if (catalog == null) {
            catalog = CatalogLoader.loadClasspath();
        }
        long start = System.nanoTime();
        LocalCloud cloud = LocalCloud.start(catalog, settings);
        LocalFunctions functions = new LocalFunctions();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cloud.close();
            functions.close();
            stopped.countDown();
        }, "inferbus-up-shutdown"));
        functions.attachFunctions(cloud, catalogPath == null ? "classpath:" : catalogPath);
        cloud.endpoints().byService().forEach((service, uri) -> out.println("endpoint." + service + "=" + uri));
        out.println("bus=" + catalog.bus());
        out.println("table=" + LocalCloud.TABLE);
        out.println("bucket=" + LocalCloud.BUCKET);
        err.printf("started in %d ms; Ctrl-C stops everything%n", (System.nanoTime() - start) / 1_000_000);
        out.println("ready");
        out.flush();
        stopped.await();
        return 0;
    }
}
