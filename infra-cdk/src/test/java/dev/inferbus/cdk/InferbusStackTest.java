package dev.inferbus.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.events.routing.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.assertions.Match;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InferbusStackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Synthesized synth = Synthesized.sample();

    @Test
    @SuppressWarnings("unchecked")
    void everyFunctionRunsJava21OnSnapStartBehindALiveAlias() {
        Map<String, Map<String, Object>> functions = synth.resources("AWS::Lambda::Function");
        List<Map<String, Object>> ours = functions.values().stream()
                .filter(f -> String.valueOf(f.get("Handler")).startsWith("dev.inferbus.functions.handler.")).toList();
        assertThat(ours).hasSize(9);
        assertThat(ours).allSatisfy(f -> {
            assertThat(f.get("Runtime")).isEqualTo("java21");
            assertThat(f.get("SnapStart")).isEqualTo(Map.of("ApplyOn", "PublishedVersions"));
            assertThat(((Map<String, Object>) ((Map<String, Object>) f.get("Environment")).get("Variables")).keySet())
                    .contains("INFERBUS_MODELS", "INFERBUS_CATALOG", "INFERBUS_MODEL_ROOT", "INFERBUS_TABLE", "INFERBUS_BUS", "INFERBUS_BUCKET");
        });
        assertThat(ours).extracting(f -> f.get("Handler")).containsExactlyInAnyOrder(
                "dev.inferbus.functions.handler.DirectHandler::handleRequest",
                "dev.inferbus.functions.handler.SqsBatchHandler::handleRequest",
                "dev.inferbus.functions.handler.KinesisBatchHandler::handleRequest",
                "dev.inferbus.functions.handler.GpuForwardHandler::handleRequest",
                "dev.inferbus.functions.handler.GpuForwardHandler::handleRequest",
                "dev.inferbus.functions.handler.GpuForwardHandler::handleRequest",
                "dev.inferbus.functions.handler.GpuForwardHandler::handleRequest",
                "dev.inferbus.functions.handler.GpuForwardHandler::handleRequest",
                "dev.inferbus.functions.handler.AsyncCompletionHandler::handleRequest");
        assertThat(synth.resources("AWS::Lambda::Alias").values()).hasSize(9)
                .allSatisfy(a -> assertThat(a.get("Name")).isEqualTo("live"));
        synth.template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "dev.inferbus.functions.handler.SqsBatchHandler::handleRequest", "MemorySize", 2048, "Timeout", 120));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyFunctionIsTracedActivelyAndLogsJsonFilteredAtInfo() {
        List<Map<String, Object>> ours = synth.resources("AWS::Lambda::Function").values().stream()
                .filter(f -> String.valueOf(f.get("Handler")).startsWith("dev.inferbus.functions.handler.")).toList();
        assertThat(ours).isNotEmpty().allSatisfy(f -> {
            assertThat(f.get("TracingConfig")).isEqualTo(Map.of("Mode", "Active"));
            assertThat(f.get("LoggingConfig")).isEqualTo(Map.of("LogFormat", "JSON", "ApplicationLogLevel", "INFO",
                    "SystemLogLevel", "INFO"));
        });
        // active tracing sends segments to X-Ray: each function's role may, and only that
        synth.template.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of("Statement",
                Match.arrayWith(List.of(Match.objectLike(
                        Map.of("Action", List.of("xray:PutTraceSegments", "xray:PutTelemetryRecords"), "Effect", "Allow",
                                "Resource", "*")))))));
    }

    /**
     * A cpu function reads each model at {@code INFERBUS_MODEL_ROOT} + the catalog's artifact path; that key must be
     * one the bucket deployment writes (its destination prefix + a file of the models folder it deploys), and the
     * catalog must be where {@code INFERBUS_CATALOG} says.
     */
    @Test
    @SuppressWarnings("unchecked")
    void everyCpuModelIsReadFromAKeyTheBucketDeploymentWrites() throws Exception {
        Map<String, Object> deployment = synth.resources("Custom::CDKBucketDeployment").values().iterator().next();
        String prefix = (String) deployment.get("DestinationBucketKeyPrefix");
        java.nio.file.Path models = java.nio.file.Path.of("../samples/target/classes/models");
        for (Map<String, Object> function : synth.resources("AWS::Lambda::Function").values()) {
            Map<String, Object> env = (Map<String, Object>) ((Map<String, Object>) function.getOrDefault("Environment", Map.of()))
                    .getOrDefault("Variables", Map.of());
            if (!env.containsKey("INFERBUS_MODEL_ROOT")) {
                continue;
            }
            String root = keyUnderBucket(env.get("INFERBUS_MODEL_ROOT"));
            assertThat(keyUnderBucket(env.get("INFERBUS_CATALOG"))).isEqualTo(prefix + "catalog.yaml");
            for (String id : ((String) env.get("INFERBUS_MODELS")).split(",")) {
                // every listed version, not only the live one: a function loads them all at init
                for (var model : synth.catalog.find(id).orElseThrow().allVersions()) {
                    if (model.artifact() == null) {
                        continue; // a gpu model: its endpoint holds it
                    }
                    String key = root + model.artifact();
                    assertThat(key).as(id).startsWith(prefix);
                    assertThat(models.resolve(key.substring(prefix.length()))).as(id + " v" + model.version() + " deployed as " + key)
                            .isRegularFile();
                }
            }
        }
    }

    /**
     * The models folder is filtered on its way into the asset (the gpu stand-in is excluded), so the folder
     * holding a file is not proof enough: the staged asset the deployment uploads, read from the cloud assembly
     * by the hash its SourceObjectKeys name, must hold every version's artifact.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theDeployedModelsAssetHoldsEveryVersionsArtifact() {
        Map<String, Object> deployment = synth.resources("Custom::CDKBucketDeployment").values().iterator().next();
        java.nio.file.Path assembly = java.nio.file.Path.of(synth.app.synth().getDirectory());
        List<java.nio.file.Path> staged = ((List<Object>) deployment.get("SourceObjectKeys")).stream()
                .map(k -> assembly.resolve("asset." + String.valueOf(k).replaceAll("\\.zip$", ""))).toList();
        java.nio.file.Path modelsAsset = staged.stream().filter(d -> java.nio.file.Files.isDirectory(d.resolve("fraud-scorer")))
                .findFirst().orElseThrow(() -> new AssertionError("no staged asset holds the models: " + staged));
        for (String artifact : List.of("fraud-scorer/1/model.onnx", "fraud-scorer/2/model.onnx",
                "sentence-embedder/1/model.onnx", "sentence-embedder/2/model.onnx", "sentence-embedder/2/tokenizer.json",
                "sensor-anomaly/1/model.onnx")) {
            assertThat(modelsAsset.resolve(artifact)).as(artifact).isRegularFile();
        }
        assertThat(modelsAsset.resolve("bge-small-en-v15")).doesNotExist();
    }

    /**
     * fraud-scorer (cpu) and document-embedder (gpu) run v2 as a 10 % canary beside v1: one alarm each, on v2's
     * error rate minus v1's from the {Model, Version} metrics, and no other model (sentence-embedder lists v2
     * without traffic) gets one.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theCanaryVersionsErrorRateIsAlarmedAgainstTheLiveOnes() {
        List<Map<String, Object>> canaryAlarms = synth.resources("AWS::CloudWatch::Alarm").values().stream()
                .filter(a -> a.containsKey("Metrics")).toList();
        assertThat(canaryAlarms).extracting(a -> (String) a.get("AlarmDescription")).hasSize(2)
                .anyMatch(d -> d.contains("document-embedder v2")).anyMatch(d -> d.contains("fraud-scorer v2"));
        Map<String, Object> alarm = canaryAlarms.stream()
                .filter(a -> ((String) a.get("AlarmDescription")).contains("fraud-scorer")).findFirst().orElseThrow();
        assertThat((String) alarm.get("AlarmDescription")).contains("fraud-scorer", "v2", "v1");
        assertThat(((Number) alarm.get("Threshold")).intValue()).isEqualTo(Observability.CANARY_ERROR_RATE_MARGIN_PCT);
        assertThat(alarm).containsEntry("EvaluationPeriods", 1).containsEntry("ComparisonOperator", "GreaterThanThreshold").containsEntry("TreatMissingData", "notBreaching");
        List<Map<String, Object>> metrics = (List<Map<String, Object>>) alarm.get("Metrics");
        assertThat(metrics).anySatisfy(m -> {
            assertThat(m.get("Expression")).isEqualTo("100*(failedCanary/requestsCanary) - 100*(failedLive/requestsLive)");
            assertThat(m.get("ReturnData")).isNotEqualTo(false);
        });
        synth.template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("Metrics", Match.arrayWith(List.of(
                versionStat("failedCanary", "Failed", "2"), versionStat("requestsCanary", "Requests", "2"),
                versionStat("failedLive", "Failed", "1"), versionStat("requestsLive", "Requests", "1")))));
    }

    private static Object versionStat(String id, String name, String version) {
        return Match.objectLike(Map.of("Id", id, "ReturnData", false, "MetricStat", Map.of(
                "Metric", Map.of("Namespace", "inferbus", "MetricName", name, "Dimensions", List.of(
                        Map.of("Name", "Model", "Value", "fraud-scorer"), Map.of("Name", "Version", "Value", version))),
                "Period", 300, "Stat", "Sum")));
    }

    /** The key part of {@code s3://<bucket ref>/<key>} as the template writes it: a Join of "s3://", the Ref, "/…". */
    @SuppressWarnings("unchecked")
    private static String keyUnderBucket(Object joined) {
        List<Object> parts = (List<Object>) ((List<Object>) ((Map<String, Object>) joined).get("Fn::Join")).get(1);
        assertThat(parts.get(0)).isEqualTo("s3://");
        assertThat(parts.get(1)).isInstanceOf(Map.class);
        return parts.subList(2, parts.size()).stream().map(String::valueOf).reduce("", String::concat).substring(1);
    }

    @Test
    void everyRuleCarriesItsRoutesPatternExactly() throws Exception {
        Map<String, Map<String, Object>> rules = synth.resources("AWS::Events::Rule");
        List<Route> routes = synth.catalog.routes();
        assertThat(rules).hasSize(routes.size());
        for (Route route : routes) {
            Object expected = JSON.readValue(route.eventPattern(), Map.class);
            assertThat(rules.values()).as(route.name()).anySatisfy(rule -> {
                assertThat(String.valueOf(rule.get("Description"))).startsWith("inferbus route " + route.name() + " ");
                assertThat((Object) JSON.valueToTree(rule.get("EventPattern"))).isEqualTo(JSON.valueToTree(expected));
            });
        }
    }

    @Test
    void eventSourceMappingsCarryTheCatalogsBatchingAndPartialFailures() {
        synth.template.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                "BatchSize", 100, "MaximumBatchingWindowInSeconds", 1, "FunctionResponseTypes", List.of("ReportBatchItemFailures")));
        synth.template.hasResourceProperties("AWS::Lambda::EventSourceMapping", Match.objectLike(Map.of(
                "BatchSize", 100, "BisectBatchOnFunctionError", true, "MaximumRetryAttempts", 3,
                "MaximumRecordAgeInSeconds", 3600, "ParallelizationFactor", 1, "StartingPosition", "TRIM_HORIZON",
                "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                "DestinationConfig", Match.objectLike(Map.of("OnFailure", Match.anyValue())))));
        synth.template.hasResourceProperties("AWS::Kinesis::Stream", Map.of("ShardCount", 2,
                "StreamEncryption", Map.of("EncryptionType", "KMS", "KeyId", "alias/aws/kinesis")));
    }

    @Test
    void queuesHaveEncryptedDeadLetterQueuesAndTheDirectRouteRetriesIntoOne() {
        synth.template.hasResourceProperties("AWS::SQS::Queue", Match.objectLike(Map.of(
                "RedrivePolicy", Match.objectLike(Map.of("maxReceiveCount", 3)),
                "VisibilityTimeout", 720, "SqsManagedSseEnabled", true)));
        assertThat(synth.resources("AWS::SQS::Queue").values()).allSatisfy(q -> assertThat(q.get("SqsManagedSseEnabled")).isEqualTo(true));
        synth.template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", Match.objectLike(Map.of(
                "MaximumRetryAttempts", 2, "DestinationConfig", Match.objectLike(Map.of("OnFailure", Match.anyValue())))));
        synth.template.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of("Targets", Match.arrayWith(List.of(
                Match.objectLike(Map.of("DeadLetterConfig", Match.anyValue(), "RetryPolicy", Match.anyValue())))))));
        synth.template.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of("Targets", Match.arrayWith(List.of(
                Match.objectLike(Map.of("KinesisParameters", Map.of("PartitionKeyPath", "$.detail.partitionKey"))))))));
    }

    @Test
    void resultsTableHasTtlPitrAndEncryptionAndTheBucketIsPrivateTlsOnly() {
        synth.template.hasResourceProperties("AWS::DynamoDB::Table", Match.objectLike(Map.of(
                "KeySchema", List.of(Map.of("AttributeName", "requestId", "KeyType", "HASH")),
                "BillingMode", "PAY_PER_REQUEST",
                "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true),
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                "SSESpecification", Map.of("SSEEnabled", true))));
        synth.template.hasResourceProperties("AWS::S3::Bucket", Match.objectLike(Map.of(
                "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
                        "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
                "LifecycleConfiguration", Match.objectLike(Map.of("Rules", Match.arrayWith(List.of(
                        Match.objectLike(Map.of("Prefix", "in/", "ExpirationInDays", 7)))))))));
        synth.template.hasResourceProperties("AWS::S3::BucketPolicy", Match.objectLike(Map.of("PolicyDocument", Match.objectLike(Map.of(
                "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of("Effect", "Deny",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))))));
        synth.template.hasResourceProperties("AWS::Events::Archive", Match.objectLike(Map.of("RetentionDays", 30)));
    }

    @Test
    void noPolicyGrantsAWildcardResourceExceptWhereAwsRequiresIt() {
        for (var policy : synth.resources("AWS::IAM::Policy").entrySet()) {
            for (var statement : JSON.valueToTree(policy.getValue().get("PolicyDocument")).path("Statement")) {
                if (!statement.path("Resource").asText().equals("*")) {
                    continue;
                }
                // AWS defines these without resources; metrics are held to SageMaker's namespaces by condition
                List<String> actions = new ArrayList<>();
                JsonNode action = statement.path("Action");
                (action.isArray() ? action : JSON.createArrayNode().add(action)).forEach(a -> actions.add(a.asText()));
                assertThat(actions).as(policy.getKey()).isSubsetOf("ecr:GetAuthorizationToken", "cloudwatch:PutMetricData",
                        "xray:PutTraceSegments", "xray:PutTelemetryRecords");
                if (actions.contains("cloudwatch:PutMetricData")) {
                    assertThat(statement.path("Condition").path("StringEquals").path("cloudwatch:namespace").toString()).contains("SageMaker");
                }
            }
        }
    }

    @Test
    void everythingAtRestIsEncrypted() {
        assertThat(synth.resources("AWS::DynamoDB::Table").values()).allSatisfy(t ->
                assertThat(t.get("SSESpecification")).isEqualTo(Map.of("SSEEnabled", true)));
        assertThat(synth.resources("AWS::SQS::Queue").values()).allSatisfy(q -> assertThat(q.get("SqsManagedSseEnabled")).isEqualTo(true));
        assertThat(synth.resources("AWS::Kinesis::Stream").values()).allSatisfy(k ->
                assertThat(JSON.valueToTree(k.get("StreamEncryption")).path("EncryptionType").asText()).isEqualTo("KMS"));
        assertThat(synth.resources("AWS::S3::Bucket").values()).allSatisfy(b ->
                assertThat(JSON.valueToTree(b.get("BucketEncryption")).toString()).contains("ServerSideEncryptionByDefault"));
        assertThat(synth.resources("AWS::SNS::Topic").values()).isNotEmpty().allSatisfy(t -> assertThat(t.get("KmsMasterKeyId")).isNotNull());
        assertThat(synth.resources("AWS::SageMaker::EndpointConfig").values()).isNotEmpty().allSatisfy(c -> assertThat(c.get("KmsKeyId")).isNotNull());
        assertThat(synth.resources("AWS::KMS::Key").values()).allSatisfy(k -> assertThat(k.get("EnableKeyRotation")).isEqualTo(true));
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachGpuEndpointIsDeployedFromTheCatalogAndFedWithinItsConcurrency() throws java.io.IOException {
        synth.template.hasResourceProperties("AWS::SageMaker::Model", Match.objectLike(Map.of("PrimaryContainer", Map.of(
                "Image", GpuInference.DEFAULT_TEI_IMAGE, "Environment", Map.of("HF_MODEL_ID", "BAAI/bge-small-en-v1.5")))));
        synth.template.hasResourceProperties("AWS::SageMaker::EndpointConfig", Match.objectLike(Map.of("ProductionVariants", List.of(
                Match.objectLike(Map.of("InstanceType", "ml.g5.xlarge", "InitialInstanceCount", 1, "VariantName", "AllTraffic"))))));
        synth.template.hasResourceProperties("AWS::SageMaker::EndpointConfig", Match.objectLike(Map.of("AsyncInferenceConfig", Match.objectLike(Map.of(
                "ClientConfig", Map.of("MaxConcurrentInvocationsPerInstance", 2),
                "OutputConfig", Match.objectLike(Map.of("NotificationConfig", Match.objectLike(Map.of(
                        "SuccessTopic", Match.anyValue(), "ErrorTopic", Match.anyValue())))))))));
        // document-embedder's two versions are two endpoints; archive-embedder's, sentence-embedder-raw's and each
        // generator's one are one
        assertThat(synth.resources("AWS::SageMaker::Endpoint").values()).extracting(e -> e.get("EndpointName"))
                .containsExactlyInAnyOrder("inferbus-embed", "inferbus-embed-v2", "inferbus-embed-async", "inferbus-tensor-minilm",
                        "inferbus-chat", "inferbus-story-async");
        assertThat(synth.resources("AWS::SageMaker::Model")).hasSize(6);
        // the tensor model's endpoint runs Triton from a model repository the stack packed from the graph the local
        // stand-in serves, and only its role may read it
        Map<String, Object> triton = synth.resources("AWS::SageMaker::Model").values().stream()
                .filter(m -> CdkJson.write(m).contains("sagemaker-tritonserver")).findFirst().orElseThrow();
        assertThat(CdkJson.write(triton)).contains("\"ModelDataUrl\":{\"Fn::Sub\":\"s3://cdk-");
        java.nio.file.Path archive = java.nio.file.Path.of(synth.app.getOutdir(), "triton-repositories", "inferbus-tensor-minilm",
                "model.tar.gz");
        assertThat(TritonRepositoryTest.entries(archive)).containsExactly("sentence-embedder/config.pbtxt",
                "sentence-embedder/1/model.onnx");
        synth.template.hasResourceProperties("AWS::SageMaker::EndpointConfig", Match.objectLike(Map.of("ProductionVariants", List.of(
                Match.objectLike(Map.of("InstanceType", "ml.g6.xlarge"))))));
        // maxConcurrency 4 → two forwarders of two calls each; maxConcurrency 2 → two of one
        synth.template.hasResourceProperties("AWS::Lambda::EventSourceMapping", Match.objectLike(Map.of(
                "ScalingConfig", Map.of("MaximumConcurrency", 2), "FunctionResponseTypes", List.of("ReportBatchItemFailures"))));
        assertThat(synth.resources("AWS::SNS::Subscription").values()).hasSize(4)
                .allSatisfy(sub -> assertThat(sub.get("Protocol")).isEqualTo("lambda"));
        List<String> invokeGrants = synth.resources("AWS::IAM::Policy").values().stream()
                .flatMap(p -> ((List<Map<String, Object>>) ((Map<String, Object>) p.get("PolicyDocument")).get("Statement")).stream())
                .filter(st -> String.valueOf(st.get("Action")).startsWith("sagemaker:"))
                .map(st -> st.get("Action") + " " + JSON.valueToTree(st.get("Resource")).toString()).toList();
        assertThat(invokeGrants).hasSize(6);
        assertThat(invokeGrants).anySatisfy(g -> assertThat(g).startsWith("sagemaker:InvokeEndpoint ").endsWith(":endpoint/inferbus-tensor-minilm\"]]}"));
        assertThat(invokeGrants).anySatisfy(g -> assertThat(g).startsWith("sagemaker:InvokeEndpoint ").endsWith(":endpoint/inferbus-embed\"]]}"));
        assertThat(invokeGrants).anySatisfy(g -> assertThat(g).startsWith("sagemaker:InvokeEndpoint ").endsWith(":endpoint/inferbus-embed-v2\"]]}"));
        assertThat(invokeGrants).anySatisfy(g -> assertThat(g).startsWith("sagemaker:InvokeEndpointAsync ").endsWith(":endpoint/inferbus-embed-async\"]]}"));
    }

    /** Versions are chosen in the forwarder: one rule, queue and forwarder feed every version's endpoint. */
    @Test
    void aGpuModelsVersionsShareOneRouteAndEachEndpointHasItsAlarm() {
        assertThat(synth.resources("AWS::Events::Rule").values()).extracting(r -> CdkJson.write(r.get("EventPattern")))
                .filteredOn(p -> p.contains("\"model\":[\"document-embedder\"]")).hasSize(1);
        // a forwarder per gpu model, none per version
        assertThat(synth.resources("AWS::Lambda::Function").values()).extracting(f -> String.valueOf(f.get("Handler")))
                .filteredOn(h -> h.contains("GpuForwardHandler")).hasSize(5);
        assertThat(synth.resources("AWS::CloudWatch::Alarm").values())
                .filteredOn(a -> "Invocation5XXErrors".equals(a.get("MetricName")))
                .extracting(a -> CdkJson.write(a.get("Dimensions")))
                .hasSize(6).anyMatch(d -> d.contains("\"inferbus-embed-v2\""));
    }

    @Test
    void alarmsWatchDlqsIteratorAgeAndFunctionErrors() {
        Map<String, Map<String, Object>> alarms = synth.resources("AWS::CloudWatch::Alarm");
        assertThat(alarms.values()).extracting(a -> a.get("MetricName"))
                .contains("ApproximateNumberOfMessagesVisible", "GetRecords.IteratorAgeMilliseconds", "Errors", "Throttles",
                        "Invocation5XXErrors");
        assertThat(synth.resources("AWS::CloudWatch::Dashboard")).hasSize(1);
    }
}
