package dev.inferbus.cdk;

import dev.inferbus.events.catalog.EndpointSpec;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.catalog.Task;
import dev.inferbus.events.catalog.Tier;
import dev.inferbus.events.routing.Route;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Stage;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.events.targets.SqsQueue;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kinesis.Stream;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.EventInvokeConfigOptions;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.s3.assets.Asset;
import software.amazon.awscdk.services.sagemaker.CfnEndpoint;
import software.amazon.awscdk.services.sagemaker.CfnEndpointConfig;
import software.amazon.awscdk.services.sagemaker.CfnModel;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.LambdaSubscription;
import software.amazon.awscdk.services.sns.subscriptions.LambdaSubscriptionProps;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * The gpu tier: per endpoint of the catalog (one per version of a gpu model), the SageMaker model, endpoint
 * configuration and endpoint (or only a reference to an existing endpoint); per gpu model, the route that feeds
 * its versions' endpoints — a queue with its DLQ drained by a {@code GpuForwardHandler} whose event source maximum
 * concurrency keeps every version's endpoint within its share of calls. An asynchronous endpoint writes to the
 * payload bucket and announces on its success and error topics, to which the {@code AsyncCompletionHandler} is
 * subscribed. Each forwarder may invoke its own model's endpoints only.
 */
public final class GpuInference extends Construct implements InferenceTier {

    /**
     * Hugging Face text-embeddings-inference for SageMaker (us-east-1), the image an hf-tei endpoint runs unless
     * the catalog names one; other regions set context {@code teiImage} to their region's URI.
     */
    public static final String DEFAULT_TEI_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/tei:2.0.1-tei1.2.3-gpu-py310-cu122-ubuntu22.04";
    static final String ASYNC_OUTPUT_PREFIX = "async-out/";
    static final String ASYNC_FAILURE_PREFIX = "async-failures/";

    private final Map<String, Alias> functions = new LinkedHashMap<>();
    private final Map<String, Queue> queues = new LinkedHashMap<>();
    private final List<Queue> deadLetterQueues = new ArrayList<>();
    private final Map<String, CfnEndpoint> endpoints = new LinkedHashMap<>();
    private final List<Topic> topics = new ArrayList<>();
    private Key endpointKey;

    public GpuInference(Construct scope, String id, ModelCatalog catalog, InferenceBus bus, ResultStore store, Path functionsZip,
                        Architecture architecture, String teiImage) {
        super(scope, id);
        Code code = Code.fromAsset(functionsZip.toString());
        List<ModelSpec> asyncModels = Route.asyncModels(catalog);
        Alias completion = null;
        Queue completionDlq = null;
        if (!asyncModels.isEmpty()) {
            completion = InferenceFunctions.function(this, Route.ASYNC_COMPLETION_FUNCTION, "AsyncCompletionHandler",
                    asyncModels.stream().map(ModelSpec::id).toList(), 1024, 60, code, architecture, bus, store);
            InferenceFunctions.grantObjects(completion, store, "s3:GetObject", ASYNC_OUTPUT_PREFIX);
            completionDlq = InferenceFunctions.deadLetterQueue(this, Route.ASYNC_COMPLETION_FUNCTION);
            deadLetterQueues.add(completionDlq);
            completion.configureAsyncInvoke(EventInvokeConfigOptions.builder()
                    .retryAttempts(2).maxEventAge(Duration.hours(6)).onFailure(new SqsDestination(completionDlq)).build());
            functions.put(Route.ASYNC_COMPLETION_FUNCTION, completion);
            Nag.acknowledgeAliasSubscriptions(completion);
        }
        for (Route route : catalog.routes()) {
            if (route.tier() != Tier.GPU) {
                continue;
            }
            Queue dlq = InferenceFunctions.deadLetterQueue(this, route.functionName());
            deadLetterQueues.add(dlq);
            Queue queue = InferenceFunctions.queue(this, route, dlq);
            queues.put(route.name(), queue);
            bus.addRoute(route, new SqsQueue(queue));
            Alias forwarder = InferenceFunctions.function(this, route.functionName(), "GpuForwardHandler", route.modelIds(),
                    route.memoryMb(), route.timeoutSeconds(), code, architecture, bus, store);
            forwarder.addEventSource(InferenceFunctions.queueSource(queue, route, route.eventSourceConcurrency()));
            // one rule, queue and forwarder per model; each version has an endpoint of its own, which the forwarder
            // picks per request (the rollout lives in code, not in rules)
            List<EndpointSpec> versions = route.models().get(0).allVersions().stream().map(ModelSpec::endpoint).toList();
            for (EndpointSpec endpoint : versions) {
                serve(endpoint, route.models().get(0).task(), forwarder, completion, completionDlq, store, teiImage);
            }
            if (versions.stream().anyMatch(e -> e.mode() == EndpointSpec.Mode.ASYNC)) {
                InferenceFunctions.grantObjects(forwarder, store, "s3:PutObject", "async-in/");
            }
            functions.put(route.functionName(), forwarder);
        }
    }

    /**
     * One version's endpoint: its notification topics (async), the endpoint itself unless it exists elsewhere,
     * and the forwarder's grant to invoke it, and it alone.
     */
    private void serve(EndpointSpec endpoint, Task task, Alias forwarder, Alias completion, Queue completionDlq,
                       ResultStore store, String teiImage) {
        boolean async = endpoint.mode() == EndpointSpec.Mode.ASYNC;
        List<Topic> notifications = List.of();
        if (async) {
            notifications = List.of(topic(endpoint, "Success"), topic(endpoint, "Error"));
            for (Topic topic : notifications) {
                topic.addSubscription(new LambdaSubscription(completion, LambdaSubscriptionProps.builder()
                        .deadLetterQueue(completionDlq).build()));
            }
        }
        if (!endpoint.existing()) {
            endpoints.put(endpoint.name(), endpoint(endpoint, modelData(endpoint, task, store), store, endpointKey(), notifications,
                    teiImage));
            if (async) {
                // the endpoint writes its outputs under this key, and S3 decrypts them for a reader only with the
                // reader's kms:Decrypt ("To download an object encrypted with an AWS KMS key, you need kms:Decrypt
                // permissions", https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html)
                endpointKey().grantDecrypt(completion);
            }
        }
        forwarder.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of(async ? "sagemaker:InvokeEndpointAsync" : "sagemaker:InvokeEndpoint"))
                .resources(List.of(endpointArn(endpoint))).build());
    }

    /** The one key of every endpoint this stack creates, made with the first of them. */
    private Key endpointKey() {
        if (endpointKey == null) {
            endpointKey = Key.Builder.create(this, "EndpointKey").enableKeyRotation(true)
                    .description("inferbus: encrypts the SageMaker endpoints' storage and asynchronous outputs").build();
        }
        return endpointKey;
    }

    private Topic topic(EndpointSpec endpoint, String kind) {
        Topic topic = Topic.Builder.create(this, kind + "Topic-" + endpoint.name())
                .displayName("inferbus " + endpoint.name() + " " + kind.toLowerCase())
                // SageMaker publishes with the endpoint's execution role, which the AWS managed key admits
                .masterKey(software.amazon.awscdk.services.kms.Alias.fromAliasName(this, kind + "TopicKey-" + endpoint.name(), "alias/aws/sns"))
                .enforceSsl(true)
                .build();
        topics.add(topic);
        if (endpoint.existing()) {
            // an existing endpoint's notification config is its owner's: they point it at these topics
            CfnOutput.Builder.create(this, kind + "TopicArn-" + endpoint.name()).value(topic.getTopicArn())
                    .description("Set as the " + kind.toLowerCase() + " topic of existing endpoint " + endpoint.name()).build();
        }
        return topic;
    }

    /** Where a model's {@code model.tar.gz} lies in S3: what its container reads at start, and its role may. */
    private record ModelData(String url, String bucket, String key) {
    }

    /**
     * The catalog's {@code container.modelData}; else, for a tensor model on Triton, a model repository packed at
     * synth time from the endpoint's {@code localArtifact} (the graph the local stand-in serves) and shipped as a CDK
     * asset; else none (the container fetches its own model, as TEI, TGI and LMI do from HF_MODEL_ID).
     */
    private ModelData modelData(EndpointSpec endpoint, Task task, ResultStore store) {
        if (endpoint.container().modelData() != null) {
            java.net.URI data = java.net.URI.create(endpoint.container().modelData());
            return new ModelData(endpoint.container().modelData(), data.getHost(), data.getPath().substring(1));
        }
        if (task != Task.TENSOR || endpoint.localArtifact() == null) {
            return null;
        }
        Path onnx = store.modelsDirectory().toAbsolutePath().getParent().resolve(endpoint.localArtifact());
        String modelName = endpoint.container().environment().getOrDefault("SAGEMAKER_TRITON_DEFAULT_MODEL_NAME", endpoint.name());
        Path archive = TritonRepository.pack(onnx, modelName,
                Path.of(Stage.of(this).getOutdir(), "triton-repositories", endpoint.name(), "model.tar.gz"));
        Asset asset = Asset.Builder.create(this, "TritonRepository-" + endpoint.name()).path(archive.toString()).build();
        return new ModelData(asset.getS3ObjectUrl(), asset.getS3BucketName(), asset.getS3ObjectKey());
    }

    private CfnEndpoint endpoint(EndpointSpec endpoint, ModelData modelData, ResultStore store, Key key,
                                 List<Topic> notifications, String teiImage) {
        String name = endpoint.name();
        String region = Token.isUnresolved(Stack.of(this).getRegion()) ? null : Stack.of(this).getRegion();
        String image = endpoint.container().image() != null ? endpoint.container().image()
                : endpoint.format().generates() ? GenerationImages.of(endpoint.format(), region) : teiImage;
        Role role = Role.Builder.create(this, "EndpointRole-" + name)
                .assumedBy(new ServicePrincipal("sagemaker.amazonaws.com"))
                .description("inferbus: what endpoint " + name + " may do").build();
        Stack stack = Stack.of(this);
        role.addToPolicy(PolicyStatement.Builder.create().actions(List.of("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
                "ecr:BatchCheckLayerAvailability")).resources(List.of(repositoryArn(image))).build());
        // AWS requires these two on every resource: an ECR token is not per repository, metrics have no ARN
        role.addToPolicy(PolicyStatement.Builder.create().actions(List.of("ecr:GetAuthorizationToken")).resources(List.of("*")).build());
        role.addToPolicy(PolicyStatement.Builder.create().actions(List.of("cloudwatch:PutMetricData")).resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of("cloudwatch:namespace", List.of("/aws/sagemaker/Endpoints", "AWS/SageMaker")))).build());
        role.addToPolicy(PolicyStatement.Builder.create().actions(List.of("logs:CreateLogGroup", "logs:CreateLogStream",
                "logs:PutLogEvents", "logs:DescribeLogStreams")).resources(List.of("arn:" + stack.getPartition() + ":logs:"
                + stack.getRegion() + ":" + stack.getAccount() + ":log-group:/aws/sagemaker/Endpoints/" + name + ":*")).build());
        if (modelData != null) {
            role.addToPolicy(PolicyStatement.Builder.create().actions(List.of("s3:GetObject"))
                    .resources(List.of("arn:" + stack.getPartition() + ":s3:::" + modelData.bucket() + "/" + modelData.key())).build());
        }
        key.grantEncryptDecrypt(role);
        CfnModel model = CfnModel.Builder.create(this, "Model-" + name)
                .executionRoleArn(role.getRoleArn())
                .primaryContainer(CfnModel.ContainerDefinitionProperty.builder()
                        .image(image).modelDataUrl(modelData == null ? null : modelData.url())
                        .environment(endpoint.container().environment().isEmpty() ? null : endpoint.container().environment()).build())
                .build();
        model.getNode().addDependency(role);
        CfnEndpointConfig.Builder config = CfnEndpointConfig.Builder.create(this, "EndpointConfig-" + name)
                .kmsKeyId(key.getKeyArn())
                .productionVariants(List.of(CfnEndpointConfig.ProductionVariantProperty.builder()
                        .variantName("AllTraffic").modelName(model.getAttrModelName())
                        .initialInstanceCount(1).initialVariantWeight(1).instanceType(endpoint.instanceType()).build()));
        if (endpoint.mode() == EndpointSpec.Mode.ASYNC) {
            InferenceFunctions.grantObjects(role, store, "s3:GetObject", "async-in/");
            InferenceFunctions.grantObjects(role, store, "s3:PutObject", ASYNC_OUTPUT_PREFIX, ASYNC_FAILURE_PREFIX);
            notifications.forEach(topic -> topic.grantPublish(role));
            String bucket = "s3://" + store.bucket().getBucketName() + "/";
            config.asyncInferenceConfig(CfnEndpointConfig.AsyncInferenceConfigProperty.builder()
                    .clientConfig(CfnEndpointConfig.AsyncInferenceClientConfigProperty.builder()
                            .maxConcurrentInvocationsPerInstance(endpoint.maxConcurrency()).build())
                    .outputConfig(CfnEndpointConfig.AsyncInferenceOutputConfigProperty.builder()
                            .s3OutputPath(bucket + ASYNC_OUTPUT_PREFIX).s3FailurePath(bucket + ASYNC_FAILURE_PREFIX)
                            .kmsKeyId(key.getKeyArn())
                            .notificationConfig(CfnEndpointConfig.AsyncInferenceNotificationConfigProperty.builder()
                                    .successTopic(notifications.get(0).getTopicArn()).errorTopic(notifications.get(1).getTopicArn())
                                    .build()).build()).build());
        }
        CfnEndpointConfig endpointConfig = config.build();
        endpointConfig.getNode().addDependency(role);
        Nag.acknowledgeEndpointRole(role, name, store.bucketLogicalId(), endpoint.mode() == EndpointSpec.Mode.ASYNC);
        return CfnEndpoint.Builder.create(this, "Endpoint-" + name).endpointName(name)
                .endpointConfigName(endpointConfig.getAttrEndpointConfigName()).build();
    }

    /** SageMaker endpoint ARNs carry the name in lower case. */
    private String endpointArn(EndpointSpec endpoint) {
        Stack stack = Stack.of(this);
        return "arn:" + stack.getPartition() + ":sagemaker:" + stack.getRegion() + ":" + stack.getAccount() + ":endpoint/"
                + endpoint.name().toLowerCase();
    }

    /** The ECR repository of an image URI ({@code account.dkr.ecr.region.amazonaws.com/repo:tag}). */
    private String repositoryArn(String image) {
        String[] hostAndPath = image.split("/", 2);
        String[] host = hostAndPath[0].split("\\.");
        if (hostAndPath.length < 2 || host.length < 4 || !host[1].equals("dkr") || !host[2].equals("ecr")) {
            throw new IllegalArgumentException("container image '" + image + "' is not an ECR image URI (account.dkr.ecr.region.amazonaws.com/repo:tag)");
        }
        String repository = hostAndPath[1].split("[:@]", 2)[0];
        return "arn:" + Stack.of(this).getPartition() + ":ecr:" + host[3] + ":" + host[0] + ":repository/" + repository;
    }

    @Override
    public Map<String, Alias> functions() {
        return functions;
    }

    @Override
    public Map<String, Queue> queues() {
        return queues;
    }

    @Override
    public List<Queue> deadLetterQueues() {
        return deadLetterQueues;
    }

    @Override
    public List<Stream> streams() {
        return List.of();
    }

    public Map<String, CfnEndpoint> endpoints() {
        return endpoints;
    }

    public List<Topic> topics() {
        return topics;
    }
}
