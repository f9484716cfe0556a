package dev.inferbus.cdk;

import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelCatalog;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.lambda.Architecture;

/**
 * {@code cdk synth}/{@code deploy}: one stack from the catalog ({@code -c catalog=PATH}, default the samples'),
 * checked by cdk-nag's AWS Solutions rules; an unacknowledged finding fails the synth.
 */
public final class InferbusApp {

    private InferbusApp() {
    }

    public static void main(String[] args) throws IOException {
        App app = new App();
        build(app);
        app.synth();
    }

    public static InferbusStack build(App app) throws IOException {
        Path catalogPath = Path.of(context(app, "catalog", "../samples/catalog.yaml"));
        String arch = context(app, "architecture", "x86_64");
        Path zip = Path.of(context(app, "functionsZip", "../functions/target/inferbus-functions-lambda-" + arch + ".zip"));
        Path models = Path.of(context(app, "modelsDir", "../samples/target/classes/models"));
        for (Path required : new Path[] {zip, models}) {
            if (!Files.exists(required)) {
                throw new IllegalStateException(required.toAbsolutePath() + " is missing: build first (./inferbus build)");
            }
        }
        ModelCatalog catalog = CatalogLoader.load(catalogPath);
        InferbusStack stack = new InferbusStack(app, "Inferbus", StackProps.builder()
                .env(Environment.builder()
                        .account(System.getenv("CDK_DEFAULT_ACCOUNT"))
                        .region(System.getenv("CDK_DEFAULT_REGION")).build())
                .description("inferbus: event-driven ML inference (" + catalog.ids().size() + " models)")
                .build(),
                new InferbusStack.Inputs(catalog, Files.readString(catalogPath), zip, models,
                        arch.equals("arm64") ? Architecture.ARM_64 : Architecture.X86_64,
                        Integer.parseInt(context(app, "resultTtlDays", "30")),
                        Integer.parseInt(context(app, "archiveRetentionDays", "30")),
                        context(app, "teiImage", GpuInference.DEFAULT_TEI_IMAGE)));
        Validations.of(app).addPlugins(new AwsSolutionsChecks());
        return stack;
    }

    private static String context(App app, String key, String fallback) {
        Object value = app.getNode().tryGetContext(key);
        return value == null ? fallback : value.toString();
    }
}
