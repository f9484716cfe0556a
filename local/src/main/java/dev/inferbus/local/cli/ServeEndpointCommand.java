package dev.inferbus.local.cli;

import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.catalog.Tier;
import dev.inferbus.functions.runtime.ArtifactSource;
import dev.inferbus.local.sagemaker.OnnxTensorModels;
import dev.inferbus.local.sagemaker.OnnxTextModels;
import dev.inferbus.local.sagemaker.TextGenerators;
import dev.inferbus.local.sagemaker.SageMakerServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code serve-endpoint MODEL [--port 8080] [--bind 127.0.0.1]}: one gpu model's local artifact behind SageMaker's
 * container contract ({@code GET /ping}, {@code POST /invocations} in the model's wire format) — the entry point of
 * the bring-your-own-container image in {@code samples/Dockerfile}. It binds loopback unless told otherwise: the
 * server has no authentication, and only a container (where SageMaker reaches it from outside) needs every interface.
 */
@Command(name = "serve-endpoint", description = {"Serve a gpu model's local artifact as a SageMaker container.",
        "GET /ping and POST /invocations in the model's wire format, as samples/Dockerfile runs it. It binds loopback "
                + "unless --bind says otherwise: the server has no authentication."})
final class ServeEndpointCommand extends CliCommand {

    @Parameters(index = "0", paramLabel = "MODEL", description = "a gpu model of the catalog, e.g. document-embedder")
    String model;

    @Option(names = "--port", paramLabel = "PORT", description = "the port to listen on, 0 for a free one (default: ${DEFAULT-VALUE})")
    int port = 8080;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "the address to listen on; 0.0.0.0 in a container (default: ${DEFAULT-VALUE})")
    String bind = InetAddress.getLoopbackAddress().getHostAddress();

    /** What the command line asks for. */
    record Options(String model, int port, String bind) {
    }

    Options options() {
        return new Options(model, port, bind);
    }

    /** A model being served: its server and its loaded model, closed together. */
    record Serving(SageMakerServer server, OnnxTextModels models, OnnxTensorModels tensors) implements AutoCloseable {

        InetSocketAddress address() {
            return server.address();
        }

        @Override
        public void close() {
            server.close();
            models.close();
            tensors.close();
        }
    }

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65_535) {
            throw misuse("--port must be from 0 to 65535, not " + port);
        }
        ModelCatalog catalog = CatalogLoader.loadClasspath();
        Optional<ModelSpec> gpuModel = catalog.find(model).filter(m -> m.tier() == Tier.GPU);
        if (gpuModel.isEmpty()) {
            err.println("error: '" + model + "' is not a gpu model of the catalog (gpu models: "
                    + catalog.models().stream().filter(m -> m.tier() == Tier.GPU).map(ModelSpec::id).toList() + ")");
            return 2;
        }
        Serving serving = serve(gpuModel.get(), options());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            serving.close();
            stopped.countDown();
        }, "serve-endpoint-shutdown"));
        out.println("serving " + gpuModel.get().id() + " (" + gpuModel.get().endpoint().format().wireName() + ") on "
                + serving.address().getAddress().getHostAddress() + ":" + serving.address().getPort());
        out.flush();
        stopped.await();
        return 0;
    }

    static Serving serve(ModelSpec model, Options options) throws IOException {
        OnnxTextModels models = OnnxTextModels.load(List.of(model), ArtifactSource.fromRoot("classpath:"));
        OnnxTensorModels tensors;
        try {
            tensors = OnnxTensorModels.load(List.of(model), ArtifactSource.fromRoot("classpath:"));
        } catch (IOException | RuntimeException e) {
            models.close();
            throw e;
        }
        try {
            return new Serving(SageMakerServer.start(new InetSocketAddress(options.bind(), options.port()), List.of(model),
                    tensors.or(models), TextGenerators::load, null, null, (endpoint, success, message) -> { }, "local"),
                    models, tensors);
        } catch (IOException | RuntimeException e) {
            models.close();
            tensors.close();
            throw e;
        }
    }
}
