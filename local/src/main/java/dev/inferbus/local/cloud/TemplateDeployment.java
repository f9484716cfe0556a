package dev.inferbus.local.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.local.eventbridge.Archive;
import dev.inferbus.local.eventbridge.BusRule;
import dev.inferbus.local.eventbridge.EventRouter;
import dev.inferbus.local.iam.policy.IamModel;
import dev.inferbus.local.iam.policy.PolicySources;
import dev.inferbus.local.eventbridge.RouteTarget;
import dev.inferbus.local.lambda.AsyncInvoker;
import dev.inferbus.local.lambda.Invoker;
import dev.inferbus.local.lambda.KinesisEventSource;
import dev.inferbus.local.lambda.LambdaEvents;
import dev.inferbus.local.lambda.SqsEventSource;
import dev.inferbus.local.lambda.runtime.FunctionDefinition;
import dev.inferbus.local.lambda.runtime.FunctionPool;
import dev.inferbus.local.lambda.runtime.LambdaService;
import dev.inferbus.local.lambda.runtime.LoggingConfig;
import dev.inferbus.local.template.CloudAssembly;
import dev.inferbus.local.template.Intrinsics;
import dev.inferbus.local.template.LocalNames;
import dev.inferbus.local.template.PseudoParameters;
import dev.inferbus.local.template.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Deploys a synthesized stack onto the local services, resource by resource, the way CloudFormation would create
 * it: tables, buckets (with the bucket deployments' files), queues with their redrive, streams, the Java functions
 * as execution environments of their code asset, the rules with their targets, the event source mappings,
 * asynchronous invoke configs and SNS subscriptions. Every value comes from the template (intrinsics resolved to
 * local names); a resource type it does not model is reported, never silently dropped.
 */
final class TemplateDeployment implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TemplateDeployment.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The resource types this deployment creates or stands in for. */
    static final Set<String> EMULATED = Set.of(
            "AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::SQS::Queue", "AWS::Kinesis::Stream", "Custom::CDKBucketDeployment",
            "AWS::Lambda::Function", "AWS::Lambda::Version", "AWS::Lambda::Alias", "AWS::Lambda::EventInvokeConfig",
            "AWS::Lambda::EventSourceMapping", "AWS::Events::EventBus", "AWS::Events::Rule", "AWS::Events::Archive",
            "AWS::SNS::Topic", "AWS::SNS::Subscription", "AWS::SageMaker::Endpoint", "AWS::SageMaker::EndpointConfig",
            "AWS::SageMaker::Model");

    /** A deployed Java function: its definition, its execution environments, the ARNs that invoke it. */
    record DeployedFunction(String logicalId, FunctionDefinition definition, FunctionPool pool, String arn) {
    }

    private final CloudAssembly assembly;
    private final AwsClients clients;
    private final LocalCloud.Settings settings;
    private final Path workDirectory;
    private final LocalNames names;
    private final Intrinsics intrinsics;
    private final Map<String, JsonNode> resolved = new HashMap<>();
    private final Map<String, DeployedFunction> functionsByLogicalId = new LinkedHashMap<>();
    /** Function, version and alias ARNs (and names) → the function they invoke. */
    private final Map<String, DeployedFunction> functionsByArn = new HashMap<>();
    private final Map<String, Invoker> invokers = new ConcurrentHashMap<>();
    private final Map<String, AsyncInvoker> asyncInvokers = new LinkedHashMap<>();
    private final Map<String, List<String>> subscriptions = new LinkedHashMap<>();
    private final List<AutoCloseable> sources = new ArrayList<>();
    private final List<String> notRun = new ArrayList<>();
    private AccessControl access;

    TemplateDeployment(CloudAssembly assembly, AwsClients clients, LocalCloud.Settings settings, Path workDirectory) {
        this.assembly = assembly;
        this.clients = clients;
        this.settings = settings;
        this.workDirectory = workDirectory;
        PseudoParameters pseudo = new PseudoParameters(assembly.stackName(), AwsClients.REGION, AwsClients.ACCOUNT);
        this.names = new LocalNames(assembly.template(), pseudo, name -> clients.sqs().getQueueUrl(b -> b.queueName(name)).queueUrl());
        this.intrinsics = new Intrinsics(assembly.template(), names, pseudo);
    }

    /** The resource's properties with every intrinsic resolved (failing start-up, naming resource and property). */
    JsonNode properties(Resource resource) {
        return resolved.computeIfAbsent(resource.logicalId(), id -> intrinsics.resolvedProperties(resource));
    }

    List<Resource> ofType(String type) {
        return assembly.template().ofType(type);
    }


    String ref(Resource resource) {
        return names.ref(resource).orElseThrow(() -> new IllegalStateException("no local name for " + resource.logicalId()));
    }

    String attribute(Resource resource, String attribute) {
        return names.attribute(resource, attribute).orElseThrow(() ->
                new IllegalStateException("no local " + attribute + " for " + resource.logicalId()));
    }

    // ---- access ---------------------------------------------------------------------------------------------

    /** The template's roles, their policies, and the bucket, queue, topic and key policies, as AWS evaluates them. */
    IamModel iam() {
        List<PolicySources.ResolvedResource> resources = assembly.template().resources().stream()
                .filter(r -> IamModel.READS.contains(r.type()))
                .map(r -> new PolicySources.ResolvedResource(r.logicalId(), r.type(), properties(r))).toList();
        return IamModel.build(new PolicySources(AwsClients.ACCOUNT, resources,
                id -> attribute(assembly.template().resource(id).orElseThrow(), "Arn"),
                // a queue policy names its queues by URL; the URL's last segment is the queue's name
                url -> "arn:aws:sqs:" + AwsClients.REGION + ":" + AwsClients.ACCOUNT + ":" + url.substring(url.lastIndexOf('/') + 1)));
    }

    /** The ARN of the execution role a function runs with (its {@code Role} property). */
    String roleArn(DeployedFunction function) {
        return properties(assembly.template().resource(function.logicalId()).orElseThrow()).path("Role").asText();
    }

    // ---- storage -------------------------------------------------------------------------------------------

    void tables() {
        for (Resource table : ofType("AWS::DynamoDB::Table")) {
            JsonNode p = properties(table);
            String name = ref(table);
            clients.dynamoDb().createTable(b -> b.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(list(p.path("AttributeDefinitions"), a -> AttributeDefinition.builder()
                            .attributeName(a.path("AttributeName").asText()).attributeType(a.path("AttributeType").asText()).build()))
                    .keySchema(list(p.path("KeySchema"), k -> KeySchemaElement.builder()
                            .attributeName(k.path("AttributeName").asText()).keyType(k.path("KeyType").asText()).build())));
            JsonNode ttl = p.path("TimeToLiveSpecification");
            if (ttl.path("Enabled").asBoolean(false)) {
                clients.dynamoDb().updateTimeToLive(b -> b.tableName(name).timeToLiveSpecification(t -> t
                        .attributeName(ttl.path("AttributeName").asText()).enabled(true)));
            }
        }
    }

    void buckets() {
        for (Resource bucket : ofType("AWS::S3::Bucket")) {
            clients.s3().createBucket(b -> b.bucket(ref(bucket)));
        }
    }

    /** Each source asset's files, copied under the destination prefix, as CDK's deployment handler unzips them. */
    void bucketDeployments() throws IOException {
        for (Resource deployment : ofType("Custom::CDKBucketDeployment")) {
            JsonNode p = properties(deployment);
            String bucket = p.path("DestinationBucketName").asText();
            String prefix = p.path("DestinationBucketKeyPrefix").asText("");
            for (JsonNode key : p.path("SourceObjectKeys")) {
                Path asset = assembly.assetForObjectKey(key.asText());
                try (Stream<Path> files = Files.walk(asset)) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        String objectKey = prefix + asset.relativize(file).toString().replace('\\', '/');
                        clients.s3().putObject(b -> b.bucket(bucket).key(objectKey), RequestBody.fromFile(file));
                    }
                }
            }
        }
    }

    void queues() {
        // dead-letter queues first: a redrive policy names an existing queue
        List<Resource> queues = new ArrayList<>(ofType("AWS::SQS::Queue"));
        queues.sort((a, b) -> Boolean.compare(properties(a).has("RedrivePolicy"), properties(b).has("RedrivePolicy")));
        for (Resource queue : queues) {
            JsonNode p = properties(queue);
            Map<QueueAttributeName, String> attributes = new LinkedHashMap<>();
            int visibility = p.path("VisibilityTimeout").asInt(30);
            attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(settings.visibilityTimeout(visibility)));
            if (p.has("MessageRetentionPeriod")) {
                attributes.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD, p.path("MessageRetentionPeriod").asText());
            }
            JsonNode redrive = p.path("RedrivePolicy");
            if (!redrive.isMissingNode()) {
                String dlqUrl = queueUrlByArn(redrive.path("deadLetterTargetArn").asText());
                attributes.put(QueueAttributeName.REDRIVE_POLICY, JSON.createObjectNode()
                        .put("deadLetterTargetArn", SqsEventSource.arnOf(clients.sqs(), dlqUrl))
                        .put("maxReceiveCount", settings.maxReceiveCount(redrive.path("maxReceiveCount").asInt())).toString());
            }
            String name = attribute(queue, "QueueName");
            clients.sqs().createQueue(b -> b.queueName(name).attributes(attributes));
        }
    }

    void streams() throws InterruptedException {
        for (Resource stream : ofType("AWS::Kinesis::Stream")) {
            String name = ref(stream);
            clients.kinesis().createStream(b -> b.streamName(name).shardCount(properties(stream).path("ShardCount").asInt(1)));
            for (int i = 0; i < 100 && clients.kinesis().describeStreamSummary(b -> b.streamName(name))
                    .streamDescriptionSummary().streamStatus() != StreamStatus.ACTIVE; i++) {
                Thread.sleep(50);
            }
        }
    }

    // ---- functions -----------------------------------------------------------------------------------------

    /**
     * Every function with a Java runtime, as execution environments of its code asset (unpacked read-only), its
     * handler, environment, memory and timeout; the local additions are the endpoint overrides and credentials.
     * Functions of other runtimes (CDK's bucket-deployment handler) are not run: their custom resources are.
     */
    void functions(LambdaService lambda, Map<String, String> endpointOverrides,
                   java.util.function.BiFunction<String, String, Map<String, String>> roleCredentials, Path logDirectory)
            throws IOException {
        for (Resource function : ofType("AWS::Lambda::Function")) {
            JsonNode p = properties(function);
            String runtime = p.path("Runtime").asText();
            if (!runtime.startsWith("java")) {
                notRun.add(function.logicalId() + " (" + runtime + ")");
                continue;
            }
            String name = ref(function);
            Path taskRoot = unpack(assembly.assetForObjectKey(p.path("Code").path("S3Key").asText()));
            Map<String, String> environment = new LinkedHashMap<>();
            p.path("Environment").path("Variables").fields().forEachRemaining(e -> environment.put(e.getKey(), e.getValue().asText()));
            environment.putAll(endpointOverrides);
            String architecture = p.path("Architectures").path(0).asText("x86_64");
            JsonNode logging = p.path("LoggingConfig");
            FunctionDefinition definition = new FunctionDefinition(name, attribute(function, "Arn"), p.path("Handler").asText(),
                    taskRoot, environment, p.path("MemorySize").asInt(128), p.path("Timeout").asInt(3), architecture,
                    concurrencyOf(function, p), logDirectory.resolve(name + ".log"),
                    new LoggingConfig(logging.path("LogFormat").asText("Text"), logging.path("ApplicationLogLevel").textValue()),
                    "Active".equals(p.path("TracingConfig").path("Mode").asText()));
            FunctionPool pool = lambda.deploy(definition, roleCredentials.apply(name, p.path("Role").asText()));
            DeployedFunction deployed = new DeployedFunction(function.logicalId(), definition, pool, attribute(function, "Arn"));
            functionsByLogicalId.put(function.logicalId(), deployed);
            functionsByArn.put(deployed.arn(), deployed);
            functionsByArn.put(name, deployed);
            invokers.put(name, pool::invoke);
        }
        for (String type : List.of("AWS::Lambda::Version", "AWS::Lambda::Alias")) {
            for (Resource qualified : ofType(type)) {
                DeployedFunction target = function(properties(qualified).path("FunctionName").asText());
                functionsByArn.put(ref(qualified), target);
            }
        }
    }

    /**
     * How many execution environments a function may have at once: its reserved concurrency, else the largest
     * maximum concurrency of its SQS event sources, else the local cap (each environment is a JVM on this machine).
     */
    private int concurrencyOf(Resource function, JsonNode p) {
        if (p.has("ReservedConcurrentExecutions")) {
            return Math.max(1, Math.min(p.path("ReservedConcurrentExecutions").asInt(), settings.maxEnvironmentsPerFunction()));
        }
        int fromSources = 0;
        for (Resource mapping : ofType("AWS::Lambda::EventSourceMapping")) {
            JsonNode m = mapping.properties();
            if (references(m.path("FunctionName"), function.logicalId())) {
                fromSources = Math.max(fromSources, m.path("ScalingConfig").path("MaximumConcurrency").asInt(0));
            }
        }
        return fromSources > 0 ? fromSources : settings.maxEnvironmentsPerFunction();
    }

    /** Whether an unresolved property value refers to a function's logical id directly or through its alias/version. */
    private boolean references(JsonNode value, String functionLogicalId) {
        String id = value.has("Ref") ? value.path("Ref").asText() : value.path("Fn::GetAtt").path(0).asText(null);
        if (id == null) {
            return false;
        }
        if (id.equals(functionLogicalId)) {
            return true;
        }
        Resource referenced = assembly.template().resource(id).orElse(null);
        return referenced != null && !referenced.type().equals("AWS::Lambda::Function")
                && references(referenced.properties().path("FunctionName"), functionLogicalId);
    }

    private Path unpack(Path zip) throws IOException {
        Path root = workDirectory.resolve("code").resolve(zip.getFileName().toString().replace(".zip", ""));
        if (Files.isDirectory(root)) {
            return root;
        }
        Path code = Files.createDirectories(workDirectory.resolve("code"));
        code.toFile().setExecutable(true, false);
        code.toFile().setReadable(true, false);
        Path partial = code.resolve(root.getFileName() + ".partial");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                Path target = partial.resolve(entry.getName()).normalize();
                if (!target.startsWith(partial)) {
                    throw new IOException("zip entry outside the task root: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target);
                }
            }
        }
        // Lambda's task root (/var/task) is read-only
        try (Stream<Path> all = Files.walk(partial)) {
            for (Path path : all.toList()) {
                path.toFile().setWritable(false, false);
                path.toFile().setReadable(true, false);
                if (Files.isDirectory(path)) {
                    path.toFile().setExecutable(true, false);
                }
            }
        }
        Files.move(partial, root);
        return root;
    }

    DeployedFunction function(String arnOrName) {
        DeployedFunction function = functionsByArn.get(arnOrName);
        if (function == null && arnOrName.contains(":")) {
            // Lambda also takes NAME:QUALIFIER (a version or alias of the named function)
            function = functionsByArn.get(arnOrName.substring(0, arnOrName.lastIndexOf(':')));
        }
        if (function == null) {
            throw new IllegalStateException("no Java function of the template answers to " + arnOrName);
        }
        return function;
    }

    Map<String, DeployedFunction> functions() {
        return functionsByLogicalId;
    }

    List<String> notRun() {
        return notRun;
    }

    /** The invoker of a function by name; a test may stand another one in (its routes and mappings stay). */
    Invoker invoker(String functionName) {
        return payload -> {
            Invoker current = invokers.get(functionName);
            if (current == null) {
                throw new IllegalStateException("no function " + functionName);
            }
            return current.invoke(payload);
        };
    }

    void replaceInvoker(String functionName, Invoker invoker) {
        if (!invokers.containsKey(functionName)) {
            throw new IllegalArgumentException("no function " + functionName + " in the template (functions: " + invokers.keySet() + ")");
        }
        invokers.put(functionName, invoker);
    }

    void restoreInvoker(String functionName) {
        DeployedFunction deployed = functionsByArn.get(functionName);
        invokers.put(functionName, deployed.pool()::invoke);
    }

    // ---- invocation paths ----------------------------------------------------------------------------------

    /** Who the Lambda service and EventBridge act as from here on: the template's roles and service principals. */
    void useAccess(AccessControl access) {
        this.access = access;
    }

    /** Clients signing as the function's execution role, which Lambda uses for its event sources and destinations. */
    private AwsClients asRole(DeployedFunction function) {
        return access.clientsAs(access.roleSession(roleArn(function), function.definition().name()));
    }

    /** Each function's asynchronous invocation queue with its {@code EventInvokeConfig} (defaults: 2 retries, no destination). */
    void asyncInvocation() {
        Map<String, JsonNode> configs = new HashMap<>();
        for (Resource config : ofType("AWS::Lambda::EventInvokeConfig")) {
            JsonNode p = properties(config);
            configs.put(function(p.path("FunctionName").asText()).definition().name(), p);
        }
        for (DeployedFunction function : functionsByLogicalId.values()) {
            String name = function.definition().name();
            JsonNode p = configs.getOrDefault(name, JSON.createObjectNode());
            String destination = p.path("DestinationConfig").path("OnFailure").path("Destination").asText(null);
            asyncInvokers.put(name, new AsyncInvoker(name, function.arn(), invoker(name), asRole(function).sqs(),
                    new AsyncInvoker.Config(p.path("MaximumRetryAttempts").asInt(2), settings.asyncRetryDelay(),
                            destination == null ? null : queueUrlByArn(destination)),
                    function.definition().maxConcurrency()));
        }
        sources.addAll(asyncInvokers.values());
    }

    /**
     * Each rule of the bus: its pattern in event-ruler, its targets as EventBridge delivers to them, its name and
     * ARN ({@code Ref}, {@code Fn::GetAtt Arn}) for the control plane and replays; and each archive of the bus, with
     * its name, ARN, source and retention.
     */
    void rules(EventRouter router, String busName) {
        for (Resource rule : ofType("AWS::Events::Rule")) {
            JsonNode p = properties(rule);
            if (!p.path("EventBusName").asText("default").equals(busName)) {
                continue;
            }
            String ruleArn = attribute(rule, "Arn");
            List<RouteTarget> targets = new ArrayList<>();
            for (JsonNode target : p.path("Targets")) {
                targets.add(target(rule, ruleArn, target));
            }
            router.addRule(new BusRule(names.name(rule.logicalId()), ruleArn, busName, p.path("EventPattern").toString()), (event, json) -> {
                for (RouteTarget target : targets) {
                    target.deliver(event, json);
                }
            });
        }
        for (Resource archive : ofType("AWS::Events::Archive")) {
            JsonNode p = properties(archive);
            String source = p.path("SourceArn").asText();
            if (!source.substring(source.lastIndexOf('/') + 1).equals(busName)) {
                continue;
            }
            router.archive(new Archive.Definition(names.name(archive.logicalId()), attribute(archive, "Arn"), source,
                    p.has("EventPattern") ? p.path("EventPattern").toString() : "", p.path("RetentionDays").asInt(0),
                    p.path("Description").asText(null)));
        }
    }

    private RouteTarget target(Resource rule, String ruleArn, JsonNode target) {
        String arn = target.path("Arn").asText();
        if (target.has("InputTransformer")) {
            throw new IllegalStateException(rule.logicalId() + ".Targets." + target.path("Id").asText()
                    + ".InputTransformer: not emulated by the local cloud");
        }
        String inputPath = target.path("InputPath").asText(null);
        RouteTarget delivery;
        if (arn.startsWith("arn:aws:sqs:")) {
            String url = queueUrlByArn(arn);
            delivery = (event, json) -> {
                // EventBridge sends as its service principal: the queue's policy must allow it for this rule
                // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions)
                sentByEventBridge(ruleArn, arn);
                clients.sqs().sendMessage(b -> b.queueUrl(url).messageBody(json));
            };
        } else if (arn.startsWith("arn:aws:kinesis:")) {
            String stream = arn.substring(arn.lastIndexOf('/') + 1);
            String keyPath = target.path("KinesisParameters").path("PartitionKeyPath").asText(null);
            // EventBridge puts records with the target's role (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html)
            AwsClients role = access.clientsAs(access.roleSession(target.path("RoleArn").asText(), "events"));
            delivery = (event, json) -> role.kinesis().putRecord(b -> b.streamName(stream)
                    .partitionKey(partitionKey(event, keyPath))
                    .data(SdkBytes.fromString(json, StandardCharsets.UTF_8)));
        } else if (arn.startsWith("arn:aws:lambda:")) {
            AsyncInvoker invoker = asyncInvokers.get(function(arn).definition().name());
            delivery = (event, json) -> invoker.submit(json);
        } else {
            throw new IllegalStateException(rule.logicalId() + ".Targets." + target.path("Id").asText() + ": a target of " + arn
                    + " is not emulated by the local cloud");
        }
        RouteTarget input = inputPath == null ? delivery : (event, json) -> {
            JsonNode selected = event.at(inputPath.replaceFirst("^\\$", "").replace('.', '/'));
            delivery.deliver(selected, selected.toString());
        };
        return withRetries(rule.logicalId(), ruleArn, target, input);
    }

    /**
     * EventBridge retries a target it cannot deliver to ({@code RetryPolicy.MaximumRetryAttempts}, 185 by
     * default) and then sends the event to the target's dead-letter queue, if it has one.
     */
    private RouteTarget withRetries(String rule, String ruleArn, JsonNode target, RouteTarget delivery) {
        int attempts = 1 + Math.min(target.path("RetryPolicy").path("MaximumRetryAttempts").asInt(185), settings.maxTargetRetries());
        String dlqArn = target.path("DeadLetterConfig").path("Arn").asText(null);
        String dlqUrl = dlqArn == null ? null : queueUrlByArn(dlqArn);
        return (event, json) -> {
            Exception last = null;
            for (int attempt = 0; attempt < attempts; attempt++) {
                try {
                    delivery.deliver(event, json);
                    return;
                } catch (Exception e) {
                    last = e;
                }
            }
            if (dlqUrl == null) {
                throw last;
            }
            LOG.warn("rule {} could not deliver event {} after {} attempts; sent to the target's DLQ: {}", rule,
                    event.path("id").asText(), attempts, last.toString());
            sentByEventBridge(ruleArn, dlqArn);
            clients.sqs().sendMessage(b -> b.queueUrl(dlqUrl).messageBody(json));
        };
    }

    private void sentByEventBridge(String ruleArn, String queueArn) {
        access.check(AccessControl.service("events.amazonaws.com"), "sqs:SendMessage", queueArn,
                Map.of("aws:SourceArn", ruleArn, "aws:SourceAccount", AwsClients.ACCOUNT));
    }

    /**
     * The record's partition key: the value at {@code PartitionKeyPath} (a JSONPath such as
     * {@code $.detail.partitionKey}), else the event id, which is what EventBridge uses without a path.
     */
    static String partitionKey(JsonNode event, String keyPath) {
        if (keyPath != null) {
            JsonNode value = event.at(keyPath.replaceFirst("^\\$", "").replace('.', '/'));
            if (value.isValueNode() && !value.asText().isEmpty()) {
                return value.asText().length() > 256 ? value.asText().substring(0, 256) : value.asText();
            }
        }
        return event.path("id").asText();
    }

    /** Lambda's pollers for each event source mapping, with the mapping's own settings. */
    void eventSourceMappings() {
        for (Resource mapping : ofType("AWS::Lambda::EventSourceMapping")) {
            JsonNode p = properties(mapping);
            DeployedFunction function = function(p.path("FunctionName").asText());
            String name = function.definition().name();
            String source = p.path("EventSourceArn").asText();
            boolean partial = false;
            for (JsonNode type : p.path("FunctionResponseTypes")) {
                partial |= type.asText().equals("ReportBatchItemFailures");
            }
            if (source.startsWith("arn:aws:sqs:")) {
                String url = queueUrlByArn(source);
                int concurrency = p.path("ScalingConfig").path("MaximumConcurrency").asInt(function.definition().maxConcurrency());
                sources.add(new SqsEventSource(name, invoker(name), asRole(function).sqs(), url, source,
                        AwsClients.REGION, new SqsEventSource.Settings(p.path("BatchSize").asInt(10),
                        Duration.ofSeconds(p.path("MaximumBatchingWindowInSeconds").asInt(0)), concurrency, partial)));
            } else if (source.startsWith("arn:aws:kinesis:")) {
                String destination = p.path("DestinationConfig").path("OnFailure").path("Destination").asText(null);
                sources.add(new KinesisEventSource(name, function.arn(), AwsClients.REGION, invoker(name), asRole(function).kinesis(),
                        asRole(function).sqs(), source.substring(source.lastIndexOf('/') + 1),
                        destination == null ? null : queueUrlByArn(destination),
                        new KinesisEventSource.Settings(p.path("BatchSize").asInt(100), p.path("BisectBatchOnFunctionError").asBoolean(false),
                                settings.kinesisRetryAttempts(p.path("MaximumRetryAttempts").asInt(-1)), partial), JSON));
            } else {
                throw new IllegalStateException(mapping.logicalId() + ".EventSourceArn: " + source + " is not emulated by the local cloud");
            }
        }
    }

    /** Each topic's Lambda subscriptions: SNS invokes the function asynchronously with the message. */
    void subscriptions() {
        for (Resource subscription : ofType("AWS::SNS::Subscription")) {
            JsonNode p = properties(subscription);
            if (!p.path("Protocol").asText().equals("lambda")) {
                throw new IllegalStateException(subscription.logicalId() + ".Protocol: " + p.path("Protocol").asText()
                        + " subscriptions are not emulated by the local cloud");
            }
            subscriptions.computeIfAbsent(p.path("TopicArn").asText(), t -> new ArrayList<>()).add(p.path("Endpoint").asText());
        }
    }

    /** SNS Publish to a topic: each subscribed function gets the message asynchronously. */
    void publish(String topicArn, String message) {
        List<String> endpoints = subscriptions.getOrDefault(topicArn, List.of());
        if (endpoints.isEmpty()) {
            LOG.warn("nothing subscribes to {}; SNS drops the message", topicArn);
        }
        for (String endpoint : endpoints) {
            asyncInvokers.get(function(endpoint).definition().name())
                    .submit(LambdaEvents.sns(topicArn, topicArn + ":" + java.util.UUID.randomUUID(), message));
        }
    }

    String queueUrlByArn(String arn) {
        String name = arn.substring(arn.lastIndexOf(':') + 1);
        return clients.sqs().getQueueUrl(b -> b.queueName(name)).queueUrl();
    }

    /** The catalog the functions were deployed with, read back from where their environment says it lies. */
    Optional<String> deployedFile(String s3Uri) {
        java.net.URI uri = java.net.URI.create(s3Uri);
        try (InputStream in = clients.s3().getObject(b -> b.bucket(uri.getHost()).key(uri.getPath().substring(1)))) {
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    private static <T> List<T> list(JsonNode array, java.util.function.Function<JsonNode, T> each) {
        List<T> out = new ArrayList<>();
        array.forEach(node -> out.add(each.apply(node)));
        return out;
    }

    @Override
    public void close() {
        for (AutoCloseable source : sources.reversed()) {
            try {
                source.close();
            } catch (Exception e) {
                // stopping the rest matters more
            }
        }
    }
}
