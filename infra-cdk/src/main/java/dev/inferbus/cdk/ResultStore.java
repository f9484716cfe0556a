package dev.inferbus.cdk;

import dev.inferbus.events.cache.CacheTable;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.events.results.ResultsTable;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.services.s3.assets.AssetOptions;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.deployment.BucketDeployment;
import software.amazon.awscdk.services.s3.deployment.Source;
import software.constructs.Construct;

/**
 * Where results and payloads live: the results table (one item per requestId, TTL on {@code expiresAt}, PITR,
 * encrypted) and the bucket for claim checks, large outputs and model artifacts (encrypted, TLS only, no public
 * access, payload prefixes expiring), with the catalog's models and the catalog itself deployed into it.
 */
public final class ResultStore extends Construct {

    /** Where model artifacts and the catalog are deployed in the bucket. */
    public static final String MODELS_PREFIX = "models/";

    private final Table table;
    private final Bucket bucket;
    private final BucketDeployment models;
    private final Path modelsDirectory;
    private Table cacheTable;

    public ResultStore(Construct scope, String id, Path modelsDirectory, String catalogYaml, int resultTtlDays) {
        super(scope, id);
        this.modelsDirectory = modelsDirectory;
        table = Table.Builder.create(this, "Results")
                .partitionKey(Attribute.builder().name(ResultsTable.KEY).type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .timeToLiveAttribute(ResultsTable.TTL)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
                .encryption(TableEncryption.AWS_MANAGED)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        Bucket accessLogs = Bucket.Builder.create(this, "AccessLogs")
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .lifecycleRules(List.of(LifecycleRule.builder().expiration(Duration.days(90)).build()))
                .build();
        Validations.of(accessLogs).acknowledge(Acknowledgment.builder().id("AwsSolutions-S1")
                .reason("This is the access-log bucket of the payload bucket; logging it into itself would loop.").build());
        bucket = Bucket.Builder.create(this, "Payloads")
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .serverAccessLogsBucket(accessLogs)
                .serverAccessLogsPrefix("payloads/")
                .lifecycleRules(List.of(
                        LifecycleRule.builder().id("claim-checks").prefix(EventCodec.DEFAULT_CLAIM_CHECK_PREFIX).expiration(Duration.days(7)).build(),
                        LifecycleRule.builder().id("async-inputs").prefix("async-in/").expiration(Duration.days(7)).build(),
                        // the completion reads an asynchronous output within minutes; the result row keeps it after
                        LifecycleRule.builder().id("async-outputs").prefix("async-out/").expiration(Duration.days(7)).build(),
                        LifecycleRule.builder().id("async-failures").prefix("async-failures/").expiration(Duration.days(7)).build(),
                        LifecycleRule.builder().id("large-outputs").prefix("results/").expiration(Duration.days(resultTtlDays)).build()))
                .build();
        models = BucketDeployment.Builder.create(this, "Models")
                .sources(List.of(
                        // the GPU tier's model is served by its endpoint, not by the functions
                        Source.asset(modelsDirectory.toString(), AssetOptions.builder().exclude(List.of("bge-small-en-v15")).build()),
                        Source.data("catalog.yaml", catalogYaml)))
                .destinationBucket(bucket)
                .destinationKeyPrefix(MODELS_PREFIX)
                .prune(false)
                .memoryLimit(1024)
                .build();
    }

    public Table table() {
        return table;
    }

    /**
     * The models' result cache table, made for the first function that serves a cached model (a catalog without
     * a cache deploys none): on demand, its TTL on {@code expiresAt}, encrypted as the results table is. It holds
     * only outputs the models can compute again, so it has no point-in-time recovery and goes with the stack.
     */
    public Table cacheTable() {
        if (cacheTable == null) {
            cacheTable = Table.Builder.create(this, "ResultCache")
                    .partitionKey(Attribute.builder().name(CacheTable.KEY).type(AttributeType.STRING).build())
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .timeToLiveAttribute(CacheTable.TTL)
                    .encryption(TableEncryption.AWS_MANAGED)
                    .removalPolicy(RemovalPolicy.DESTROY)
                    .build();
            Nag.acknowledge(cacheTable, "AwsSolutions-DDB3", "The result cache holds outputs the models compute again on a"
                    + " miss; restoring it to a point in time would restore nothing that is lost.");
        }
        return cacheTable;
    }

    public Bucket bucket() {
        return bucket;
    }

    /** Functions load models at init, so they must be deployed after the artifacts are in place. */
    public BucketDeployment models() {
        return models;
    }

    /** The model folders the deployment ships: the catalog's artifact paths point into them. */
    public Path modelsDirectory() {
        return modelsDirectory;
    }

    /** The payload bucket's logical id, as cdk-nag names it in findings. */
    public String bucketLogicalId() {
        return software.amazon.awscdk.Stack.of(this).getLogicalId(
                (software.amazon.awscdk.CfnElement) bucket.getNode().getDefaultChild());
    }

    /**
     * What the catalog's artifact paths ({@code models/<id>/<version>/…}) are relative to: the bucket's root, since
     * the model folders are deployed under {@link #MODELS_PREFIX}.
     */
    public String artifactRoot() {
        return "s3://" + bucket.getBucketName() + "/";
    }

    /** Where the deployed catalog lies. */
    public String catalogLocation() {
        return artifactRoot() + MODELS_PREFIX + "catalog.yaml";
    }
}
