package dev.inferbus.local.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.catalog.Tier;
import dev.inferbus.events.results.ResultStore;
import dev.inferbus.events.results.StoredResult;
import dev.inferbus.functions.runtime.ArtifactSource;
import dev.inferbus.functions.tracing.Tracing;
import dev.inferbus.local.emulators.DynamoDbLocalServer;
import dev.inferbus.local.emulators.ElasticMqServer;
import dev.inferbus.local.emulators.Emulator;
import dev.inferbus.local.emulators.KinesaliteServer;
import dev.inferbus.local.emulators.S3ProxyServer;
import dev.inferbus.local.eventbridge.EventRouter;
import dev.inferbus.local.eventbridge.PutEventsServer;
import dev.inferbus.local.faults.FaultProxy;
import dev.inferbus.local.files.Folders;
import dev.inferbus.local.iam.Principal;
import dev.inferbus.local.iam.gateway.services.AwsService;
import dev.inferbus.local.lambda.Invoker;
import dev.inferbus.local.lambda.runtime.FunctionPool;
import dev.inferbus.local.lambda.runtime.LambdaService;
import dev.inferbus.local.sagemaker.OnnxTensorModels;
import dev.inferbus.local.sagemaker.OnnxTextModels;
import dev.inferbus.local.sagemaker.SageMakerServer;
import dev.inferbus.local.sagemaker.TextGenerators;
import dev.inferbus.local.template.CloudAssembly;
import dev.inferbus.local.template.NotEmulated;
import dev.inferbus.local.template.Resource;
import dev.inferbus.local.template.Synthesizer;
import dev.inferbus.local.tracing.SpanRecord;
import dev.inferbus.local.tracing.TraceCollector;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded local cloud. Its only input is the synthesized template: real protocol servers on loopback
 * (DynamoDB Local, ElasticMQ, s3proxy, kinesalite), inferbus' own PutEvents endpoint and SageMaker stand-in, and
 * on them the stack's resources as {@link TemplateDeployment} creates them — every Java function a set of
 * execution environments running its deployment zip under AWS's runtime interface client.
 */
public final class LocalCloud implements AutoCloseable {

    /** Conventional ports of each service, used unless {@code randomPorts}. */
    public static final Map<String, Integer> DEFAULT_PORTS = orderedPorts();

    private static final Logger LOG = LoggerFactory.getLogger(LocalCloud.class);
    private static final String FUNCTION_TAG = "inferbus:function";

    /**
     * What the local cloud changes of the template's timing, each printed at start-up: AWS's retry delays are
     * minutes (a queue's visibility timeout is six function timeouts), which tests and the soak cannot wait for.
     *
     * @param visibilityTimeoutCap seconds a queue's visibility timeout is capped at, or 0 for the template's
     * @param maxReceiveCount receives before a redrive, or 0 for the template's
     * @param kinesisRetryAttempts retries of a failed stream batch, or -1 for the template's
     * @param asyncRetryDelay delay before each retry of a failed asynchronous invocation (AWS: about a minute)
     * @param maxEnvironmentsPerFunction execution environments of a function whose template sets no concurrency
     */
    public record Settings(boolean randomPorts, int visibilityTimeoutCap, int maxReceiveCount, int kinesisRetryAttempts,
                           Duration asyncRetryDelay, int maxEnvironmentsPerFunction, boolean enforceAccess) {

        public static Settings defaults() {
            return new Settings(false, 0, 0, -1, Duration.ofSeconds(60), 2, true);
        }

        public Settings withRandomPorts() {
            return new Settings(true, visibilityTimeoutCap, maxReceiveCount, kinesisRetryAttempts, asyncRetryDelay,
                    maxEnvironmentsPerFunction, enforceAccess);
        }

        /**
         * {@code up --no-auth}: unsigned requests, and those signed with keys the cloud did not issue, pass as the
         * administrator's. The functions still sign with their roles' keys, and are still authorized.
         */
        public Settings withoutAuthentication() {
            return new Settings(randomPorts, visibilityTimeoutCap, maxReceiveCount, kinesisRetryAttempts, asyncRetryDelay,
                    maxEnvironmentsPerFunction, false);
        }

        /** Random ports and retries within seconds, for tests that watch redelivery happen. */
        public static Settings forTests() {
            return new Settings(true, 5, 0, 2, Duration.ofMillis(200), 2, true);
        }

        int visibilityTimeout(int template) {
            return visibilityTimeoutCap > 0 ? Math.min(visibilityTimeoutCap, template) : template;
        }

        int maxReceiveCount(int template) {
            return maxReceiveCount > 0 ? maxReceiveCount : template;
        }

        int kinesisRetryAttempts(int template) {
            return kinesisRetryAttempts >= 0 ? kinesisRetryAttempts : template;
        }

        /** EventBridge retries an undeliverable target for up to a day; locally a few immediate attempts. */
        int maxTargetRetries() {
            return 2;
        }

        List<String> deviations() {
            List<String> out = new ArrayList<>();
            if (visibilityTimeoutCap > 0) {
                out.add("queue visibility timeouts capped at " + visibilityTimeoutCap + " s");
            }
            if (maxReceiveCount > 0) {
                out.add("redrive after " + maxReceiveCount + " receives");
            }
            if (kinesisRetryAttempts >= 0) {
                out.add("stream batches retried " + kinesisRetryAttempts + " times");
            }
            out.add("asynchronous invocations retried after " + asyncRetryDelay.toMillis() + " ms");
            out.add("at most " + maxEnvironmentsPerFunction + " execution environments per function without a concurrency setting");
            if (!enforceAccess) {
                out.add("unsigned requests pass as the administrator's (--no-auth)");
            }
            return out;
        }
    }

    private final Settings settings;
    private final CloudAssembly assembly;
    private final ObjectMapper json = new ObjectMapper();
    private final List<AutoCloseable> started = new ArrayList<>();
    /** The services as clients see them: the IAM gateways, by service name, in print order. */
    private final Map<String, Emulator> emulators = new LinkedHashMap<>();
    /** The servers behind the gateways, reached by the gateways and the fault proxies only. */
    private final Map<String, Emulator> upstreams = new LinkedHashMap<>();
    private AccessControl access;
    private final EventRouter router = new EventRouter();
    private final Path workDirectory;
    private AwsClients clients;
    private SageMakerServer sageMaker;
    private PutEventsServer putEvents;
    private FaultProxy dynamoDbFaults;
    private FaultProxy s3Faults;
    /** The functions' own ways to DynamoDB and S3: gateways in front of the fault proxies. */
    private Emulator functionsDynamoDb;
    private Emulator functionsS3;
    private LambdaService lambda;
    private TraceCollector traces;
    private TemplateDeployment deployment;
    private String busName;
    private String tableName;
    private String bucketName;
    private final List<String> report = new ArrayList<>();

    private LocalCloud(CloudAssembly assembly, Settings settings, Path workDirectory) {
        this.assembly = assembly;
        this.settings = settings;
        this.workDirectory = workDirectory;
    }

    /** Synthesizes the CDK app (reusing the last synth while its inputs are unchanged) and deploys its template. */
    public static LocalCloud start(Settings settings, PrintStream progress) throws Exception {
        Path root = Synthesizer.projectRoot();
        CloudAssembly assembly = Synthesizer.synthesize(root, root.resolve("infra-cdk/target/local-cdk.out"), progress);
        Path work = Files.createTempDirectory("inferbus-local-");
        LocalCloud cloud = start(assembly, settings, work);
        // a work folder of its own (unpacked code, environments, logs) goes with the cloud
        cloud.started.addFirst(() -> Folders.deleteTree(work));
        return cloud;
    }


    public static LocalCloud start(CloudAssembly assembly, Settings settings, Path workDirectory) throws Exception {
        // the function processes run as an unprivileged user: they must reach their (read-only) code below it
        Files.setPosixFilePermissions(workDirectory, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        LocalCloud cloud = new LocalCloud(assembly, settings, workDirectory);
        try {
            cloud.startServices();
            cloud.deploy();
        } catch (Exception | Error e) {
            cloud.close();
            throw e;
        }
        return cloud;
    }

    private void startServices() throws Exception {
        busName = assembly.template().ofType("AWS::Events::EventBus").stream().findFirst()
                .map(bus -> bus.properties().path("Name").asText()).orElse("default");
        // Behind the gateways each server binds port 0 and reports the port it got; the services' own ports are the
        // gateways'. A port picked free beforehand and bound later can be taken in between (a demo failed on CI with
        // "Address already in use" when it still did that).
        CompletableFuture<Emulator> dynamo = CompletableFuture.supplyAsync(() -> unchecked(() -> DynamoDbLocalServer.start(0)));
        CompletableFuture<Emulator> sqs = CompletableFuture.supplyAsync(() -> ElasticMqServer.start(0, AwsClients.REGION, AwsClients.ACCOUNT));
        CompletableFuture<Emulator> s3 = CompletableFuture.supplyAsync(() -> unchecked(() -> S3ProxyServer.start(0)));
        CompletableFuture<Emulator> kinesis = CompletableFuture.supplyAsync(() -> unchecked(() -> KinesaliteServer.start(0)));
        putEvents = PutEventsServer.start(0, router, busName, AwsClients.REGION, AwsClients.ACCOUNT, json);
        registerUpstream(putEvents);
        Exception failure = null;
        for (CompletableFuture<Emulator> f : List.of(dynamo, sqs, s3, kinesis)) {
            try {
                registerUpstream(f.join()); // every server that did start is registered, so close() stops it
            } catch (java.util.concurrent.CompletionException e) {
                Exception cause = e.getCause() instanceof Exception c ? c : e;
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        access = AccessControl.create(workDirectory.resolve("tls"), settings.enforceAccess(), this::endpoints);
        started.add(access);
        for (AwsService service : List.of(AwsService.EVENTS, AwsService.DYNAMODB, AwsService.SQS, AwsService.S3, AwsService.KINESIS)) {
            register(access.gateway(service, port(service.signingName()), upstreams.get(service.signingName()).endpoint()));
        }
        clients = access.clientsAs(access.admin());
        // the functions reach DynamoDB and S3 through proxies, where tests and the soak inject service faults
        dynamoDbFaults = FaultProxy.start("dynamodb", 0, upstreams.get("dynamodb").endpoint());
        started.add(dynamoDbFaults);
        s3Faults = FaultProxy.start("s3", 0, upstreams.get("s3").endpoint());
        started.add(s3Faults);
        functionsDynamoDb = access.gateway(AwsService.DYNAMODB, 0, dynamoDbFaults.endpoint());
        started.add(functionsDynamoDb);
        functionsS3 = access.gateway(AwsService.S3, 0, s3Faults.endpoint());
        started.add(functionsS3);
    }

    private void deploy() throws Exception {
        deployment = new TemplateDeployment(assembly, clients, settings, workDirectory);
        started.add(deployment);
        deployment.tables();
        deployment.buckets();
        deployment.queues();
        deployment.streams();
        deployment.bucketDeployments();
        // the stack's roles and queues exist now: its policies decide from here on
        access.install(deployment.iam());
        access.model().orElseThrow().unevaluable().forEach(u -> report.add("IAM: a statement the local cloud cannot evaluate denies: " + u));
        // the results table and payload bucket are the ones the functions are configured with
        tableName = functionVariable("INFERBUS_TABLE");
        bucketName = functionVariable("INFERBUS_BUCKET");
        startSageMaker();
        lambda = new LambdaService(dev.inferbus.local.lambda.runtime.RicClasspath.locate(), workDirectory.resolve("environments"));
        started.add(lambda);
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("INFERBUS_ENDPOINT_DYNAMODB", functionsDynamoDb.endpoint().toString());
        overrides.put("INFERBUS_ENDPOINT_S3", functionsS3.endpoint().toString());
        overrides.put("INFERBUS_ENDPOINT_EVENTS", emulators.get("events").endpoint().toString());
        if (sageMaker != null) {
            overrides.put("INFERBUS_ENDPOINT_SAGEMAKER", emulators.get("sagemaker").endpoint().toString());
        }
        // Local only, as the ADOT layer's collector on localhost:4318 is an addition to a function on AWS rather
        // than part of its template: the exporter's standard variable points at this cloud's collector.
        traces = TraceCollector.start(tracesDirectory(workDirectory));
        started.add(traces);
        overrides.put(Tracing.ENDPOINT, traces.endpoint().toString());
        // the gateways' certificate is the local authority's: the functions' JVMs trust it as they trust AWS's
        overrides.put("JAVA_TOOL_OPTIONS", access.trust().javaToolOptions());
        Path logs = Files.createDirectories(workDirectory.resolve("logs"));
        // each function signs with its execution role's session, as Lambda hands a function its role's credentials
        deployment.functions(lambda, overrides, (name, roleArn) -> access.roleSession(roleArn, name).environment(), logs);
        deployment.useAccess(access);
        deployment.asyncInvocation();
        deployment.subscriptions();
        deployment.rules(router, busName);
        deployment.eventSourceMappings();
        List<CompletableFuture<String>> warm = new ArrayList<>();
        for (TemplateDeployment.DeployedFunction f : deployment.functions().values()) {
            warm.add(CompletableFuture.supplyAsync(() -> describe(f, f.pool().prewarm())));
        }
        warm.forEach(w -> report.add(w.join()));
        report.add(NotEmulated.line(assembly.template(), TemplateDeployment.EMULATED));
        deployment.notRun().forEach(f -> report.add("not run (not a Java runtime; its custom resource is emulated): " + f));
        report.add("local timing: " + String.join(", ", settings.deviations()));
    }

    private String functionVariable(String variable) {
        return assembly.template().ofType("AWS::Lambda::Function").stream()
                .map(f -> deployment.properties(f).path("Environment").path("Variables").path(variable).asText(null))
                .filter(java.util.Objects::nonNull).findFirst()
                .orElseThrow(() -> new IllegalStateException("no function of the template sets " + variable));
    }

    private static String describe(TemplateDeployment.DeployedFunction f, Object prewarm) {
        var d = f.definition();
        return String.format("function %s: %s, %d MB, timeout %d s, up to %d environment(s), log %s — %s", d.name(), d.handler(),
                d.memoryMb(), d.timeoutSeconds(), d.maxConcurrency(), d.logFile(), prewarm);
    }

    /**
     * The SageMaker endpoints of the template, each served by its model version's local artifact: the models and
     * versions come from the catalog the functions were deployed with (read back from the bucket), the names and
     * the asynchronous notification topics from the endpoints' configuration.
     */
    private void startSageMaker() throws IOException {
        List<Resource> endpoints = assembly.template().ofType("AWS::SageMaker::Endpoint");
        if (endpoints.isEmpty()) {
            return;
        }
        String catalogUri = functionVariable("INFERBUS_CATALOG");
        ModelCatalog catalog = CatalogLoader.parse(deployment.deployedFile(catalogUri)
                .orElseThrow(() -> new IllegalStateException(catalogUri + " was not deployed")), catalogUri);
        List<String> names = endpoints.stream().map(e -> deployment.properties(e).path("EndpointName").asText()).toList();
        // every version's endpoint the template deploys: a canary's as much as the live one's
        List<ModelSpec> gpu = catalog.models().stream().filter(m -> m.tier() == Tier.GPU).flatMap(m -> m.allVersions().stream())
                .filter(v -> names.contains(v.endpoint().name())).toList();
        OnnxTextModels models = OnnxTextModels.load(gpu, ArtifactSource.fromRoot("classpath:"));
        started.add(models);
        OnnxTensorModels tensors = OnnxTensorModels.load(gpu, ArtifactSource.fromRoot("classpath:"));
        started.add(tensors);
        Map<String, String[]> topics = new LinkedHashMap<>();
        Map<String, SageMakerServer.AsyncStorage> storage = new LinkedHashMap<>();
        Map<String, Principal> roles = new LinkedHashMap<>();
        for (Resource endpoint : endpoints) {
            JsonNode p = deployment.properties(endpoint);
            String name = p.path("EndpointName").asText();
            Resource config = assembly.template().ofType("AWS::SageMaker::EndpointConfig").stream()
                    .filter(c -> deployment.attribute(c, "EndpointConfigName").equals(p.path("EndpointConfigName").asText()))
                    .findFirst().orElseThrow();
            JsonNode configProperties = deployment.properties(config);
            JsonNode output = configProperties.path("AsyncInferenceConfig").path("OutputConfig");
            JsonNode notification = output.path("NotificationConfig");
            topics.put(name, new String[] {notification.path("SuccessTopic").asText(null), notification.path("ErrorTopic").asText(null)});
            // SageMaker reads inputs, writes outputs and notifies as the execution role of the endpoint's model
            String modelName = configProperties.path("ProductionVariants").path(0).path("ModelName").asText();
            Resource model = assembly.template().ofType("AWS::SageMaker::Model").stream()
                    .filter(m -> deployment.attribute(m, "ModelName").equals(modelName)).findFirst().orElseThrow();
            var role = access.roleSession(deployment.properties(model).path("ExecutionRoleArn").asText(), "SageMaker");
            roles.put(name, role.principal());
            storage.put(name, new SageMakerServer.AsyncStorage(access.clientsAs(role).s3(),
                    Optional.ofNullable(output.path("KmsKeyId").textValue())));
        }
        sageMaker = SageMakerServer.start(new InetSocketAddress("127.0.0.1", 0), gpu, tensors.or(models), TextGenerators::load,
                storage::get, bucketName, (endpoint, success, message) -> {
                    String topic = topics.getOrDefault(endpoint, new String[2])[success ? 0 : 1];
                    if (topic == null) {
                        LOG.warn("endpoint {} has no {} topic; the notification is dropped", endpoint, success ? "success" : "error");
                        return;
                    }
                    access.check(roles.get(endpoint), "sns:Publish", topic, Map.of());
                    deployment.publish(topic, message);
                }, AwsClients.REGION);
        registerUpstream(sageMaker);
        register(access.gateway(AwsService.SAGEMAKER_RUNTIME, port("sagemaker"), sageMaker.endpoint()));
    }

    private void register(Emulator emulator) {
        emulators.put(emulator.service(), emulator);
        started.add(emulator);
    }

    private void registerUpstream(Emulator emulator) {
        upstreams.put(emulator.service(), emulator);
        started.add(emulator);
    }

    /** What {@code up} and {@code demo} print: each function started (handler, memory, timeout), what is not emulated. */
    public List<String> report() {
        return List.copyOf(report);
    }

    /** The function the catalog calls {@code name} ({@code cpu-direct}, {@code gpu-document-embedder}, …), by its tag. */
    public FunctionPool function(String name) {
        return deployedFunction(name).pool();
    }

    TemplateDeployment.DeployedFunction deployedFunction(String name) {
        for (TemplateDeployment.DeployedFunction f : deployment.functions().values()) {
            Resource resource = assembly.template().resource(f.logicalId()).orElseThrow();
            for (JsonNode tag : resource.properties().path("Tags")) {
                if (tag.path("Key").asText().equals(FUNCTION_TAG) && tag.path("Value").asText().equals(name)) {
                    return f;
                }
            }
        }
        throw new IllegalArgumentException("no function tagged " + FUNCTION_TAG + "=" + name + " in the template");
    }

    /** Every function's name as the catalog knows it, mapped to its deployed name. */
    public Map<String, String> functionNames() {
        Map<String, String> out = new LinkedHashMap<>();
        for (TemplateDeployment.DeployedFunction f : deployment.functions().values()) {
            for (JsonNode tag : assembly.template().resource(f.logicalId()).orElseThrow().properties().path("Tags")) {
                if (tag.path("Key").asText().equals(FUNCTION_TAG)) {
                    out.put(tag.path("Value").asText(), f.definition().name());
                }
            }
        }
        return out;
    }

    /** Stands a test's invoker in for a function; its routes and event source mappings stay as deployed. */
    public void replaceFunction(String name, Invoker invoker) {
        deployment.replaceInvoker(deployedFunction(name).definition().name(), invoker);
    }

    public void restoreFunction(String name) {
        deployment.restoreInvoker(deployedFunction(name).definition().name());
    }

    /** The environment a function runs with: the template's, resolved, plus the local endpoint overrides. */
    public Map<String, String> functionEnvironment(String name) {
        return deployedFunction(name).definition().environment();
    }

    /** The queue an SQS event source mapping of the function drains. */
    public String sourceQueueUrl(String function) {
        String deployed = deployedFunction(function).definition().name();
        for (Resource mapping : assembly.template().ofType("AWS::Lambda::EventSourceMapping")) {
            JsonNode p = deployment.properties(mapping);
            if (deployment.function(p.path("FunctionName").asText()).definition().name().equals(deployed)
                    && p.path("EventSourceArn").asText().startsWith("arn:aws:sqs:")) {
                return deployment.queueUrlByArn(p.path("EventSourceArn").asText());
            }
        }
        throw new IllegalArgumentException("function " + function + " drains no queue");
    }

    /**
     * Where the function's failed events end: its queue's redrive target, its stream mapping's or asynchronous
     * invocation's on-failure destination.
     */
    public String deadLetterQueueUrl(String function) {
        return deadLetterQueueUrls(function).get(0);
    }

    /** Every dead-letter or on-failure queue of the stack. */
    public List<String> deadLetterQueueUrls() {
        List<String> out = new ArrayList<>();
        for (String function : functionNames().keySet()) {
            for (String url : deadLetterQueueUrls(function)) {
                if (!out.contains(url)) {
                    out.add(url);
                }
            }
        }
        return out;
    }

    private List<String> deadLetterQueueUrls(String function) {
        String deployed = deployedFunction(function).definition().name();
        List<String> arns = new ArrayList<>();
        for (Resource mapping : assembly.template().ofType("AWS::Lambda::EventSourceMapping")) {
            JsonNode p = deployment.properties(mapping);
            if (!deployment.function(p.path("FunctionName").asText()).definition().name().equals(deployed)) {
                continue;
            }
            String source = p.path("EventSourceArn").asText();
            if (source.startsWith("arn:aws:sqs:")) {
                Resource queue = assembly.template().ofType("AWS::SQS::Queue").stream()
                        .filter(q -> deployment.attribute(q, "Arn").equals(source)).findFirst().orElseThrow();
                arns.add(deployment.properties(queue).path("RedrivePolicy").path("deadLetterTargetArn").asText());
            }
            Optional.ofNullable(p.path("DestinationConfig").path("OnFailure").path("Destination").textValue()).ifPresent(arns::add);
        }
        for (Resource config : assembly.template().ofType("AWS::Lambda::EventInvokeConfig")) {
            JsonNode p = deployment.properties(config);
            if (deployment.function(p.path("FunctionName").asText()).definition().name().equals(deployed)) {
                Optional.ofNullable(p.path("DestinationConfig").path("OnFailure").path("Destination").textValue()).ifPresent(arns::add);
            }
        }
        if (arns.isEmpty()) {
            throw new IllegalArgumentException("function " + function + " has no dead-letter queue");
        }
        return arns.stream().map(deployment::queueUrlByArn).distinct().toList();
    }

    /** The result of a request, read consistently, or empty while there is none. */
    public Optional<StoredResult> result(String requestId) {
        return results().find(requestId).join();
    }

    /** The results table, through its one reader. */
    public ResultStore results() {
        return ResultStore.reader(clients.dynamoDbAsync(), tableName);
    }

    /** Delivers every bus event matching {@code pattern} to {@code target} as well (a rule of one's own). */
    public void observe(String name, String pattern, dev.inferbus.local.eventbridge.RouteTarget target) {
        router.addRule(name, pattern, target);
    }

    public Endpoints endpoints() {
        Map<String, java.net.URI> byService = new LinkedHashMap<>();
        for (String service : DEFAULT_PORTS.keySet()) {
            Emulator emulator = emulators.get(service);
            if (emulator != null) {
                byService.put(service, emulator.endpoint());
            }
        }
        return new Endpoints(byService);
    }

    public AwsClients clients() {
        return clients;
    }

    /**
     * What a producer outside the cloud (the AWS CLI, {@code put}) needs: the administrator's keys and, as
     * {@code AWS_CA_BUNDLE}, the authority the gateways' certificate is signed by.
     */
    public Map<String, String> producerEnvironment() {
        Map<String, String> environment = new LinkedHashMap<>(access.admin().environment());
        environment.putAll(access.trust().environment());
        return environment;
    }

    /** Every call the gateways and the cloud's own services decided, per principal. */
    public dev.inferbus.local.iam.gateway.AccessLog accessLog() {
        return access.log();
    }

    /** The DynamoDB request units each principal's calls consumed, as on-demand mode bills them. */
    public dev.inferbus.local.metering.CapacityLog capacityLog() {
        return access.capacity();
    }

    /** Calls denied so far, of every principal. */
    public long deniedCalls() {
        return access.log().decisions().values().stream().flatMap(calls -> calls.values().stream())
                .mapToLong(dev.inferbus.local.iam.gateway.AccessLog.Counts::denied).sum();
    }

    /** Per function (its catalog name), what it called against what its execution role grants. */
    public dev.inferbus.local.iam.report.LeastPrivilegeReport leastPrivilege() {
        var model = access.model().orElseThrow(() -> new IllegalStateException("the template's policies are not deployed"));
        var decisions = access.log().decisions();
        Map<String, dev.inferbus.local.iam.report.LeastPrivilegeReport.FunctionAccess> functions = new LinkedHashMap<>();
        functionNames().forEach((name, deployed) -> {
            String role = deployment.roleArn(deployedFunction(name));
            Map<dev.inferbus.local.iam.report.LeastPrivilegeReport.Call, dev.inferbus.local.iam.report.LeastPrivilegeReport.Counts> calls =
                    new LinkedHashMap<>();
            decisions.getOrDefault(role, Map.of()).forEach((call, counts) -> calls.put(
                    new dev.inferbus.local.iam.report.LeastPrivilegeReport.Call(call.action(), call.resource()),
                    new dev.inferbus.local.iam.report.LeastPrivilegeReport.Counts(counts.allowed(), counts.denied())));
            functions.put(name, new dev.inferbus.local.iam.report.LeastPrivilegeReport.FunctionAccess(role, model.grants(role), calls));
        });
        return new dev.inferbus.local.iam.report.LeastPrivilegeReport(functions);
    }

    public String busName() {
        return busName;
    }

    /** Where the collector of a cloud working in {@code workDirectory} keeps the spans of every function process. */
    public static Path tracesDirectory(Path workDirectory) {
        return workDirectory.resolve("traces");
    }

    /** Every span the functions have exported so far. */
    public List<SpanRecord> spans() {
        return TraceCollector.read(traces.folder());
    }

    public String tableName() {
        return tableName;
    }

    public String bucketName() {
        return bucketName;
    }

    /** The local EventBridge endpoint: its fault switch. */
    public PutEventsServer putEvents() {
        return putEvents;
    }

    /** The proxy between the functions and DynamoDB, where service faults are injected. */
    public FaultProxy dynamoDbFaults() {
        return dynamoDbFaults;
    }

    /** The proxy between the functions and S3, where service faults are injected. */
    public FaultProxy s3Faults() {
        return s3Faults;
    }

    /** The local SageMaker endpoints, when the template has any: their statistics and fault switches. */
    public Optional<SageMakerServer> sageMaker() {
        return Optional.ofNullable(sageMaker);
    }

    public EventRouter router() {
        return router;
    }

    public EventRouter.Stats routing() {
        return router.stats();
    }

    public CloudAssembly assembly() {
        return assembly;
    }

    /** A gateway's port: the service's conventional one, or 0 for one the system picks as the gateway binds it. */
    private int port(String service) {
        return settings.randomPorts() ? 0 : DEFAULT_PORTS.get(service);
    }

    private static Map<String, Integer> orderedPorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("events", 4010);
        ports.put("dynamodb", 8000);
        ports.put("sqs", 9324);
        ports.put("s3", 9000);
        ports.put("kinesis", 4567);
        ports.put("sagemaker", 8080);
        return java.util.Collections.unmodifiableMap(ports);
    }

    private interface Start<T> {
        T get() throws Exception;
    }

    private static <T> T unchecked(Start<T> start) {
        try {
            return start.get();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    @Override
    public void close() {
        for (AutoCloseable resource : started.reversed()) {
            closeQuietly(resource);
        }
        started.clear();
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            // stopping the rest matters more than one server's complaint
        }
    }
}
