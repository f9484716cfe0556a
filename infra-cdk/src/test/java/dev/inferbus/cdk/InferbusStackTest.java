package dev.inferbus.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.events.routing.Route;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.assertions.Match;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InferbusStackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private Synthesized synth;

    @BeforeAll
    void synthesizeOnce() throws Exception {
        synth = new Synthesized();
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyFunctionRunsJava21OnSnapStartBehindALiveAlias() {
        Map<String, Map<String, Object>> functions = synth.resources("AWS::Lambda::Function");
        List<Map<String, Object>> ours = functions.values().stream()
                .filter(f -> String.valueOf(f.get("Handler")).startsWith("dev.inferbus.functions.handler.")).toList();
        assertThat(ours).hasSize(3);
        assertThat(ours).allSatisfy(f -> {
            assertThat(f.get("Runtime")).isEqualTo("java21");
            assertThat(f.get("SnapStart")).isEqualTo(Map.of("ApplyOn", "PublishedVersions"));
            assertThat(((Map<String, Object>) ((Map<String, Object>) f.get("Environment")).get("Variables")).keySet())
                    .contains("INFERBUS_MODELS", "INFERBUS_CATALOG", "INFERBUS_MODEL_ROOT", "INFERBUS_TABLE", "INFERBUS_BUS", "INFERBUS_BUCKET");
        });
        assertThat(ours).extracting(f -> f.get("Handler")).containsExactlyInAnyOrder(
                "dev.inferbus.functions.handler.DirectHandler::handleRequest",
                "dev.inferbus.functions.handler.SqsBatchHandler::handleRequest",
                "dev.inferbus.functions.handler.KinesisBatchHandler::handleRequest");
        assertThat(synth.resources("AWS::Lambda::Alias").values()).hasSize(3)
                .allSatisfy(a -> assertThat(a.get("Name")).isEqualTo("live"));
        synth.template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "dev.inferbus.functions.handler.SqsBatchHandler::handleRequest", "MemorySize", 2048, "Timeout", 120));
    }

    @Test
    void everyRuleCarriesItsRoutesPatternExactly() throws Exception {
        Map<String, Map<String, Object>> rules = synth.resources("AWS::Events::Rule");
        List<Route> routes = synth.catalog.routes().stream().filter(r -> r.tier() == dev.inferbus.events.catalog.Tier.CPU).toList();
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
            String document = JSON.valueToTree(policy.getValue().get("PolicyDocument")).toString();
            // a bare "*" resource is allowed only for X-Ray-style actions AWS defines without resources; we grant none
            assertThat(document).as(policy.getKey()).doesNotContain("\"Resource\":\"*\"");
        }
    }

    @Test
    void alarmsWatchDlqsIteratorAgeAndFunctionErrors() {
        Map<String, Map<String, Object>> alarms = synth.resources("AWS::CloudWatch::Alarm");
        assertThat(alarms.values()).extracting(a -> a.get("MetricName"))
                .contains("ApproximateNumberOfMessagesVisible", "GetRecords.IteratorAgeMilliseconds", "Errors", "Throttles");
        assertThat(synth.resources("AWS::CloudWatch::Dashboard")).hasSize(1);
    }
}
