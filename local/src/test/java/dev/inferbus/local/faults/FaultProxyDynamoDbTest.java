package dev.inferbus.local.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inferbus.local.cloud.AwsClients;
import dev.inferbus.local.emulators.DynamoDbLocalServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * A fault proxy in front of a real DynamoDB Local, spoken to by the AWS SDK: requests pass unchanged, and the
 * injected errors are DynamoDB's own, before or after the write took effect.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultProxyDynamoDbTest {

    private static final String TABLE = "results";

    private DynamoDbLocalServer dynamo;
    private FaultProxy proxy;
    /** Through the proxy, without retries: sees every fault. */
    private DynamoDbClient raw;
    /** Through the proxy, with the SDK's default retries, as the functions have. */
    private DynamoDbClient retrying;
    /** Straight to DynamoDB Local: what was really written. */
    private DynamoDbClient direct;

    @BeforeAll
    void start() throws Exception {
        dynamo = DynamoDbLocalServer.start(0);
        proxy = FaultProxy.start("dynamodb", 0, dynamo.endpoint());
        raw = AwsClients.configure(DynamoDbClient.builder(), proxy.endpoint())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
        retrying = AwsClients.configure(DynamoDbClient.builder(), proxy.endpoint()).build();
        direct = AwsClients.configure(DynamoDbClient.builder(), dynamo.endpoint()).build();
        // the table is created through the proxy: passthrough of a control-plane call
        raw.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("requestId").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("requestId").keyType(KeyType.HASH).build()));
    }

    @AfterEach
    void clear() {
        proxy.clearRules();
    }

    @AfterAll
    void stop() {
        raw.close();
        retrying.close();
        direct.close();
        proxy.close();
        dynamo.close();
    }

    @Test
    void passesRequestsAndAnswersThrough() {
        assertThat(raw.listTables().tableNames()).contains(TABLE);
        put(raw, "pass-1");
        Map<String, AttributeValue> item = raw.getItem(b -> b.tableName(TABLE).key(key("pass-1")).consistentRead(true)).item();
        assertThat(item).containsEntry("requestId", AttributeValue.fromS("pass-1"))
                .containsEntry("output", AttributeValue.fromS("output of pass-1"));
    }

    @Test
    void beforeAnswersDynamoDbsErrorAndNothingIsWritten() {
        proxy.addRule(FaultRule.dynamoDbInternalServerError().name("put-before").operation("PutItem").build());

        assertThatThrownBy(() -> put(raw, "before-1"))
                .isInstanceOfSatisfying(InternalServerErrorException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(500);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalServerError");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Internal server error");
                    assertThat(e.requestId()).isNotBlank();
                });
        assertThat(written("before-1")).isFalse();
        // other operations pass
        assertThat(raw.describeTable(b -> b.tableName(TABLE)).table().tableName()).isEqualTo(TABLE);
        assertThat(proxy.counts("put-before")).isEqualTo(new FaultCounts(1, 1));
    }

    @Test
    void afterAnswersTheErrorButTheWriteTookEffect() {
        proxy.addRule(FaultRule.dynamoDbInternalServerError().name("put-after").operation("PutItem").after().build());

        assertThatThrownBy(() -> put(raw, "after-1")).isInstanceOf(InternalServerErrorException.class);
        assertThat(written("after-1")).isTrue();
        assertThat(proxy.counts("put-after")).isEqualTo(new FaultCounts(1, 1));
    }

    @Test
    void aBodyPredicateFailsOnlyTheRequestsThatCarryIt() {
        proxy.addRule(FaultRule.dynamoDbThrottling().name("poison")
                .when(r -> r.operation().equals("PutItem") && r.bodyContains("req-poison")).build());

        put(raw, "req-ok-1");
        assertThatThrownBy(() -> put(raw, "req-poison"))
                .isInstanceOfSatisfying(ProvisionedThroughputExceededException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ProvisionedThroughputExceededException");
                    assertThat(e.isThrottlingException()).isTrue();
                });
        put(raw, "req-ok-2");

        assertThat(written("req-ok-1")).isTrue();
        assertThat(written("req-poison")).isFalse();
        assertThat(written("req-ok-2")).isTrue();
        assertThat(proxy.counts("poison")).isEqualTo(new FaultCounts(1, 1));
    }

    @Test
    void maxCountOneFailsOnlyTheFirstMatch() {
        proxy.addRule(FaultRule.dynamoDbInternalServerError().name("first-only").operation("PutItem").maxCount(1).build());

        assertThatThrownBy(() -> put(raw, "first-1")).isInstanceOf(InternalServerErrorException.class);
        put(raw, "first-2");
        put(raw, "first-3");

        assertThat(written("first-1")).isFalse();
        assertThat(written("first-2")).isTrue();
        assertThat(proxy.counts("first-only")).isEqualTo(new FaultCounts(3, 1));
    }

    @Test
    void theSdksDefaultRetriesAbsorbAFaultThatStrikesOnce() {
        proxy.addRule(FaultRule.dynamoDbInternalServerError().name("once").operation("PutItem").maxCount(1).build());

        put(retrying, "retried-1"); // no exception: the SDK retried the 500, as it does against AWS

        assertThat(written("retried-1")).isTrue();
        assertThat(proxy.counts("once")).isEqualTo(new FaultCounts(2, 1));
    }

    @Test
    void theWireShapeIsDynamoDbsLowLevelError() throws Exception {
        proxy.addRule(FaultRule.dynamoDbInternalServerError().operation("PutItem").build());
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(proxy.endpoint() + "/"))
                    .header("X-Amz-Target", "DynamoDB_20120810.PutItem")
                    .header("Content-Type", "application/x-amz-json-1.0")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-amz-json-1.0");
            assertThat(response.headers().firstValue("x-amzn-RequestId")).hasValueSatisfying(id -> assertThat(id).matches("[A-Z0-9]{52}"));
            assertThat(response.body()).isEqualTo(
                    "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\",\"message\":\"Internal server error\"}");
        }
    }

    @Test
    void rulesAreListedRemovedAndNamedUniquely() {
        proxy.addRule(FaultRule.dynamoDbThrottling().build()).addRule(FaultRule.dynamoDbInternalServerError().build());
        assertThat(proxy.rules()).extracting(FaultRule::name)
                .containsExactly("dynamodb-ProvisionedThroughputExceededException", "dynamodb-InternalServerError");
        assertThatThrownBy(() -> proxy.addRule(FaultRule.dynamoDbThrottling().build()))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(proxy.removeRule("dynamodb-ProvisionedThroughputExceededException")).hasValue(new FaultCounts(0, 0));
        assertThat(proxy.removeRule("no-such-rule")).isEmpty();
        assertThat(proxy.counts()).containsOnlyKeys("dynamodb-InternalServerError");
    }

    private static Map<String, AttributeValue> key(String requestId) {
        return Map.of("requestId", AttributeValue.fromS(requestId));
    }

    private static void put(DynamoDbClient client, String requestId) {
        client.putItem(b -> b.tableName(TABLE).item(Map.of("requestId", AttributeValue.fromS(requestId),
                "output", AttributeValue.fromS("output of " + requestId))));
    }

    private boolean written(String requestId) {
        return !direct.getItem(b -> b.tableName(TABLE).key(key(requestId)).consistentRead(true)).item().isEmpty();
    }
}
