package dev.inferbus.local.cli;

import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.catalog.Tier;
import dev.inferbus.functions.runtime.ArtifactSource;
import dev.inferbus.local.sagemaker.OnnxTextModels;
import dev.inferbus.local.sagemaker.SageMakerServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code serve-endpoint MODEL [--port 8080] [--bind 127.0.0.1]}: one gpu model's local artifact behind SageMaker's
 * container contract ({@code GET /ping}, {@code POST /invocations} in the model's wire format) — the entry point of
 * the bring-your-own-container image in {@code samples/Dockerfile}. It binds loopback unless told otherwise: the
 * server has no authentication, and only a container (where SageMaker reaches it from outside) needs every interface.
 */
final class ServeEndpointCommand {

    private static final String USAGE = "usage: ./inferbus serve-endpoint MODEL [--port 8080] [--bind 127.0.0.1]";

    private final PrintStream out;
    private final PrintStream err;

    ServeEndpointCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** What the command line asks for. */
    record Options(String model, int port, String bind) {

        /** The options of {@code args}, or empty when they are no valid command line. */
        static Optional<Options> parse(String[] args) {
            if (args.length == 0 || args[0].startsWith("--")) {
                return Optional.empty();
            }
            int port = 8080;
            String bind = InetAddress.getLoopbackAddress().getHostAddress();
            for (int i = 1; i < args.length; i++) {
                if (i + 1 >= args.length) {
                    return Optional.empty();
                }
                switch (args[i]) {
                    case "--port" -> port = Integer.parseInt(args[++i]);
                    case "--bind" -> bind = args[++i];
                    default -> {
                        return Optional.empty();
                    }
                }
            }
            return Optional.of(new Options(args[0], port, bind));
        }
    }

    /** A model being served: its server and its loaded model, closed together. */
    record Serving(SageMakerServer server, OnnxTextModels models) implements AutoCloseable {

        InetSocketAddress address() {
            return server.address();
        }

        @Override
        public void close() {
            server.close();
            models.close();
        }
    }

    int run(String[] args) throws Exception {
        Optional<Options> options = Options.parse(args);
        if (options.isEmpty()) {
            err.println(USAGE);
            return 2;
        }
        ModelCatalog catalog = CatalogLoader.loadClasspath();
        Optional<ModelSpec> model = catalog.find(options.get().model()).filter(m -> m.tier() == Tier.GPU);
        if (model.isEmpty()) {
            err.println("error: '" + options.get().model() + "' is not a gpu model of the catalog (gpu models: "
                    + catalog.models().stream().filter(m -> m.tier() == Tier.GPU).map(ModelSpec::id).toList() + ")");
            return 2;
        }
        Serving serving = serve(model.get(), options.get());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            serving.close();
            stopped.countDown();
        }, "serve-endpoint-shutdown"));
        out.println("serving " + model.get().id() + " (" + model.get().endpoint().format().wireName() + ") on "
                + serving.address().getAddress().getHostAddress() + ":" + serving.address().getPort());
        out.flush();
        stopped.await();
        return 0;
    }

    static Serving serve(ModelSpec model, Options options) throws IOException {
        OnnxTextModels models = OnnxTextModels.load(List.of(model), ArtifactSource.fromRoot("classpath:"));
        try {
            return new Serving(SageMakerServer.start(new InetSocketAddress(options.bind(), options.port()), List.of(model),
                    models::modelFor, null, null, (endpoint, success, message) -> { }, "local"), models);
        } catch (IOException | RuntimeException e) {
            models.close();
            throw e;
        }
    }
}
