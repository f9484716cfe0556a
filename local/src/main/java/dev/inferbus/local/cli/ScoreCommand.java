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
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code score [--catalog FILE] MODEL JSON}: scores one task input (the {@code input} object of an event) in process
 * with the same runtime the handlers use. Exit 0 with the output JSON on stdout; exit 2 with one line naming the field
 * on bad input or an unknown model.
 */
@Command(name = "score", description = {"Score one input in process and print the output JSON.",
        "Runs a cpu-tier model of the catalog with the runtime the Lambda handlers use; bad input or an unknown model "
                + "exits 2 with one line naming the field."})
final class ScoreCommand extends CliCommand {

    @Option(names = "--catalog", paramLabel = "FILE", description = "the model catalog (default: the one on the classpath, samples/catalog.yaml)")
    Path catalogPath;

    @Parameters(index = "0", paramLabel = "MODEL", description = "a cpu-tier model id of the catalog, e.g. sentence-embedder")
    String modelId;

    @Parameters(index = "1", paramLabel = "JSON", description = "the task input, e.g. '{\"text\":\"a cat sits on the mat\"}'")
    String json;

    @Override
    public Integer call() {
        ModelCatalog catalog;
        try {
            catalog = catalogPath == null ? CatalogLoader.loadClasspath() : CatalogLoader.load(catalogPath);
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
            input = codec.mapper().readTree(json);
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
