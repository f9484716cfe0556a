package dev.inferbus.local.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.catalog.CatalogException;
import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.catalog.Tier;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.functions.batch.MicroBatcher;
import dev.inferbus.functions.batch.Outcome;
import dev.inferbus.functions.batch.ScoringRequest;
import dev.inferbus.functions.runtime.ArtifactSource;
import dev.inferbus.functions.runtime.ModelRuntime;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code score MODEL JSON}: scores one task input (the {@code input} object of an event) in process with the same
 * runtime the handlers use. Exit 0 with the output JSON on stdout; exit 2 with one line naming the field on bad
 * input or an unknown model.
 */
final class ScoreCommand {

    private final PrintStream out;
    private final PrintStream err;

    ScoreCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) {
        String catalogPath = null;
        int first = 0;
        if (args.length >= 2 && args[0].equals("--catalog")) {
            catalogPath = args[1];
            first = 2;
        }
        if (args.length - first != 2) {
            err.println("usage: ./inferbus score [--catalog catalog.yaml] MODEL JSON");
            return 2;
        }
        String modelId = args[first];
        ModelCatalog catalog;
        try {
            catalog = catalogPath == null ? CatalogLoader.loadClasspath() : CatalogLoader.load(Path.of(catalogPath));
        } catch (CatalogException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        ModelSpec spec = catalog.find(modelId).orElse(null);
        if (spec == null) {
            err.println("error: unknown model '" + modelId + "' (catalog models: " + catalog.ids() + ")");
            return 2;
        }
        if (spec.tier() != Tier.CPU) {
            err.println("error: '" + modelId + "' is a gpu-tier model served by SageMaker endpoint '"
                    + spec.endpoint().name() + "'; score runs cpu-tier models in process");
            return 2;
        }
        EventCodec codec = EventCodec.create();
        JsonNode input;
        try {
            input = codec.mapper().readTree(args[first + 1]);
        } catch (JsonProcessingException e) {
            err.println("error: /: not valid JSON (" + e.getOriginalMessage().lines().findFirst().orElse("") + ")");
            return 2;
        }
        try (ModelRuntime runtime = ModelRuntime.load(List.of(spec), ArtifactSource.fromRoot(catalogRoot()))) {
            Outcome outcome = new MicroBatcher(runtime).score(List.of(new ScoringRequest(spec, input, ""))).get(0);
            return switch (outcome) {
                case Outcome.Scored scored -> {
                    out.println(codec.toJson(scored.output()));
                    yield 0;
                }
                case Outcome.Failed failed -> {
                    err.println("error: " + failed.code() + " " + failed.message());
                    yield 2;
                }
                // retries and submissions are the gpu forwarder's; the cpu runtime scores or fails
                default -> throw new IllegalStateException("unexpected outcome of the cpu runtime: " + outcome);
            };
        } catch (IOException e) {
            err.println("error: cannot load model '" + modelId + "': " + e.getMessage());
            return 1;
        }
    }

    private static String catalogRoot() {
        String root = System.getenv("INFERBUS_MODEL_ROOT");
        return root == null ? "classpath:" : root;
    }
}
