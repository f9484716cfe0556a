package dev.inferbus.local.cli;

import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.results.ResultStore;
import dev.inferbus.events.results.StoredResult;
import dev.inferbus.local.cloud.AwsClients;
import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.compare.ComparisonReport;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * {@code compare MODEL [--version V]}: from the results table of a running {@code up}, the traffic split MODEL
 * served and how each archive replay's re-scoring agrees with the original results ({@link ComparisonReport}).
 * The table is the one {@code up} deployed, named in its {@code producer.env} as the functions know it
 * ({@code INFERBUS_TABLE}), or {@code --table}. Exit 2 for an unknown model or version.
 */
@Command(name = "compare", description = {"Compare a model's versions from the results table of a running 'up'.",
        "Prints the traffic split actually served (rows per version, COMPLETED/FAILED) and, per replay, its re-scoring "
                + "against the original results: pairs, mean, p5/p50/p95 of cosine or |Δscore|, disagreements."})
final class CompareCommand extends CliCommand {

    @Parameters(paramLabel = "MODEL", description = "the catalog id of the model")
    String model;

    @Option(names = "--version", paramLabel = "VERSION", description = "only the replays that re-scored with this version")
    String version;

    @Option(names = "--endpoint", paramLabel = "URL", description = "the DynamoDB endpoint of a running ./inferbus up "
            + "(default: https://127.0.0.1:8000, its default port)")
    URI endpoint;

    @Option(names = "--env-file", paramLabel = "FILE", description = "the keys, CA bundle and INFERBUS_TABLE, as 'up' writes "
            + "them to producer.env; default: the running up's producer.env, else the environment")
    Path envFile;

    @Option(names = "--table", paramLabel = "NAME", description = "the results table (default: INFERBUS_TABLE of the env file)")
    String table;

    @Option(names = "--catalog", paramLabel = "FILE", description = "the model catalog (default: the one on the classpath, samples/catalog.yaml)")
    Path catalogPath;

    @Override
    public Integer call() throws Exception {
        ModelCatalog catalog = catalogPath != null ? CatalogLoader.load(catalogPath) : CatalogLoader.loadClasspath();
        ModelSpec spec = catalog.find(model)
                .orElseThrow(() -> misuse("unknown model '" + model + "': the catalog has " + catalog.ids()));
        if (version != null && spec.forVersion(version).isEmpty()) {
            throw misuse("model " + model + " has no version '" + version + "' (it lists " + spec.versionNames() + ")");
        }
        UpEnvironment up = UpEnvironment.of(envFile);
        String tableName = table != null ? table : up.variable(UpEnvironment.TABLE).orElse(null);
        if (tableName == null) {
            err.println("error: no results table: start ./inferbus up (it names the table in its producer.env), "
                    + "or pass --table or --env-file");
            return 1;
        }
        URI dynamoDb = endpoint != null ? endpoint : URI.create("https://127.0.0.1:" + LocalCloud.DEFAULT_PORTS.get("dynamodb"));
        List<StoredResult> rows;
        try (DynamoDbAsyncClient client = AwsClients.dynamoDbAsync(dynamoDb, up.identity())) {
            rows = ResultStore.reader(client, tableName).scan().join();
        }
        ComparisonReport.of(spec, rows, version).lines().forEach(out::println);
        return 0;
    }
}
