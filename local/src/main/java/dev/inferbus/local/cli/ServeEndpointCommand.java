package dev.inferbus.local.cli;

import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.catalog.Tier;
import dev.inferbus.functions.runtime.ArtifactSource;
import dev.inferbus.local.sagemaker.OnnxTextModels;
import dev.inferbus.local.sagemaker.SageMakerServer;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code serve-endpoint MODEL [--port 8080] [--host 0.0.0.0]}: one gpu model's local artifact behind SageMaker's
 * container contract ({@code GET /ping}, {@code POST /invocations} in the model's wire format) — the entry point of
 * the bring-your-own-container image in {@code samples/Dockerfile}.
 */
final class ServeEndpointCommand {

    private final PrintStream out;
    private final PrintStream err;

    ServeEndpointCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) throws Exception {
        String usage = "usage: ./inferbus serve-endpoint MODEL [--port 8080] [--host 0.0.0.0]";
        if (args.length == 0 || args[0].startsWith("--")) {
            err.println(usage);
            return 2;
        }
        int port = 8080;
        String host = "0.0.0.0";
        for (int i = 1; i < args.length; i++) {
            if (i + 1 >= args.length) {
                err.println(usage);
                return 2;
            }
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--host" -> host = args[++i];
                default -> {
                    err.println(usage);
                    return 2;
                }
            }
        }
        ModelCatalog catalog = CatalogLoader.loadClasspath();
        Optional<ModelSpec> model = catalog.find(args[0]).filter(m -> m.tier() == Tier.GPU);
        if (model.isEmpty()) {
            err.println("error: '" + args[0] + "' is not a gpu model of the catalog (gpu models: "
                    + catalog.models().stream().filter(m -> m.tier() == Tier.GPU).map(ModelSpec::id).toList() + ")");
            return 2;
        }
        OnnxTextModels models = OnnxTextModels.load(List.of(model.get()), ArtifactSource.fromRoot("classpath:"));
        SageMakerServer server = SageMakerServer.start(new InetSocketAddress(host, port), List.of(model.get()), models::modelFor,
                null, null, (endpoint, success, message) -> { }, "local");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            models.close();
            stopped.countDown();
        }, "serve-endpoint-shutdown"));
        out.println("serving " + model.get().id() + " (" + model.get().endpoint().format().wireName() + ") on " + host + ":" + port);
        out.flush();
        stopped.await();
        return 0;
    }
}
