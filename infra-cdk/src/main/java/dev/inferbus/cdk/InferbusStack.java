package dev.inferbus.cdk;

import dev.inferbus.events.catalog.ModelCatalog;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.lambda.Architecture;
import software.constructs.Construct;

/** The whole deployment of one catalog: bus and rules, the cpu and gpu tiers, results, and observability. */
public final class InferbusStack extends Stack {

    /**
     * @param functionsZip the handlers' deployment artifact
     * @param modelsDirectory the model folders the catalog's artifact paths point into
     */
    public record Inputs(ModelCatalog catalog, String catalogYaml, Path functionsZip, Path modelsDirectory,
                         Architecture architecture, int resultTtlDays, int archiveRetentionDays, String teiImage) {
    }

    private final CpuInference cpu;
    private final GpuInference gpu;

    public InferbusStack(Construct scope, String id, StackProps props, Inputs inputs) {
        super(scope, id, props);
        ResultStore store = new ResultStore(this, "ResultStore", inputs.modelsDirectory(), inputs.catalogYaml(), inputs.resultTtlDays());
        InferenceBus bus = new InferenceBus(this, "InferenceBus", inputs.catalog().bus(), inputs.archiveRetentionDays());
        cpu = new CpuInference(this, "CpuInference", inputs.catalog(), bus, store, inputs.functionsZip(), inputs.architecture());
        gpu = new GpuInference(this, "GpuInference", inputs.catalog(), bus, store, inputs.functionsZip(), inputs.architecture(),
                inputs.teiImage());
        new Observability(this, "Observability", inputs.catalog(), List.of(cpu, gpu));
        new DriftAlarms(this, "DriftAlarms", inputs.catalog(), inputs.modelsDirectory());
        Nag.acknowledgeBucketDeployment(this, store.bucketLogicalId());
    }

    public CpuInference cpu() {
        return cpu;
    }

    public GpuInference gpu() {
        return gpu;
    }
}
