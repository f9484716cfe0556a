package dev.inferbus.local.iam.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inferbus.local.emulators.DynamoDbLocalServer;
import dev.inferbus.local.iam.gateway.services.AwsService;
import dev.inferbus.local.iam.gateway.sigv4.Credential;
import dev.inferbus.local.iam.gateway.sigv4.Refusal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * A gateway in front of DynamoDB Local, spoken to by the real SDK client over TLS: signatures verified, calls
 * classified and authorized, refusals and denials parsed by the SDK as it parses AWS's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthGatewayDynamoDbTest {

    private final GatewayFixture fixture = new GatewayFixture();
    private DynamoDbLocalServer dynamoDb;
    private AuthGateway gateway;
    private DynamoDbClient admin;
    private DynamoDbClient role;

    @BeforeAll
    void start() throws Exception {
        dynamoDb = DynamoDbLocalServer.start(0);
        gateway = fixture.gateway(AwsService.DYNAMODB, dynamoDb.endpoint());
        admin = fixture.client(DynamoDbClient.builder(), gateway, GatewayFixture.signedBy(fixture.credentials.admin())).build();
        role = fixture.client(DynamoDbClient.builder(), gateway, GatewayFixture.signedBy(fixture.roleKey)).build();
        for (String table : new String[] {"results", "audit"}) {
            admin.createTable(b -> b.tableName(table).billingMode("PAY_PER_REQUEST")
                    .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("pk")
                            .attributeType(ScalarAttributeType.S).build()));
        }
        fixture.allow("dynamodb:PutItem", GatewayFixture.ARNS.table("results"));
        fixture.allow("dynamodb:GetItem", GatewayFixture.ARNS.table("results"));
    }

    @AfterAll
    void stop() {
        admin.close();
        role.close();
        fixture.close();
        dynamoDb.close();
    }

    @Test
    void anAllowedCallReachesTheTable() {
        role.putItem(b -> b.tableName("results").item(Map.of("pk", AttributeValue.fromS("a"))));

        assertThat(role.getItem(b -> b.tableName("results").key(Map.of("pk", AttributeValue.fromS("a")))).item())
                .containsEntry("pk", AttributeValue.fromS("a"));
        assertThat(gateway.endpoint().getScheme()).isEqualTo("https");
    }

    @Test
    void aDeniedCallIsAccessDeniedExceptionAsFromAws() {
        String table = GatewayFixture.ARNS.table("audit");

        assertThatThrownBy(() -> role.putItem(b -> b.tableName("audit").item(Map.of("pk", AttributeValue.fromS("x")))))
                .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(fixture.denial("dynamodb:PutItem", table));
                    assertThat(e.requestId()).isNotBlank();
                });
        // the item never reached the table
        assertThat(admin.getItem(b -> b.tableName("audit").key(Map.of("pk", AttributeValue.fromS("x")))).hasItem()).isFalse();
    }

    @Test
    void aTransactionAsksEachItemsActionOnItsTable() {
        AccessLog log = new AccessLog();
        GatewaySettings settings = new GatewaySettings(fixture.tls, fixture.credentials, fixture.authorizer, log,
                GatewayFixture.ARNS, GatewaySettings.Mode.ENFORCE, Clock.systemUTC());
        AuthGateway logged = fixture.gateway(AwsService.DYNAMODB, dynamoDb.endpoint(), settings);
        try (DynamoDbClient client = fixture.client(DynamoDbClient.builder(), logged, GatewayFixture.signedBy(fixture.roleKey))
                .build()) {
            TransactWriteItem put = TransactWriteItem.builder()
                    .put(p -> p.tableName("results").item(Map.of("pk", AttributeValue.fromS("t1")))).build();
            TransactWriteItem delete = TransactWriteItem.builder()
                    .delete(d -> d.tableName("audit").key(Map.of("pk", AttributeValue.fromS("t2")))).build();
            assertThatThrownBy(() -> client.transactWriteItems(b -> b.transactItems(put, delete)))
                    .isInstanceOfSatisfying(DynamoDbException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo(fixture.denial("dynamodb:DeleteItem", GatewayFixture.ARNS.table("audit"))));
        }

        assertThat(log.decisions().get(fixture.role.arn())).containsExactly(
                Map.entry(new AccessLog.Grant("dynamodb:DeleteItem", GatewayFixture.ARNS.table("audit")), new AccessLog.Counts(0, 1)),
                Map.entry(new AccessLog.Grant("dynamodb:PutItem", GatewayFixture.ARNS.table("results")), new AccessLog.Counts(1, 0)));
        assertThat(log.denials()).containsOnlyKeys(fixture.denial("dynamodb:DeleteItem", GatewayFixture.ARNS.table("audit")));
    }

    /**
     * On-demand request units as DynamoDB bills them, from the items' sizes (not one per call): a 3 KB item costs 3
     * write units to put and 3 to update (the larger of the item before and after), and an eventually consistent read
     * of it half of one 4 KB read unit; a consistent read finding nothing still costs 1.
     */
    @Test
    void eachRolesDynamoDbCallsAreMeteredInRequestUnitsFromTheItemsSizes() {
        GatewaySettings settings = new GatewaySettings(fixture.tls, fixture.credentials, fixture.authorizer, new AccessLog(),
                GatewayFixture.ARNS, GatewaySettings.Mode.ENFORCE, Clock.systemUTC());
        AuthGateway metered = fixture.gateway(AwsService.DYNAMODB, dynamoDb.endpoint(), settings);
        String table = GatewayFixture.ARNS.table("metered");
        for (String action : List.of("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:GetItem")) {
            fixture.allow(action, table);
        }
        Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("m1"));
        try (DynamoDbClient owner = fixture.client(DynamoDbClient.builder(), metered, GatewayFixture.signedBy(fixture.credentials.admin()))
                .build(); DynamoDbClient client = fixture.client(DynamoDbClient.builder(), metered, GatewayFixture.signedBy(fixture.roleKey))
                .build()) {
            // through the metering gateway: its key schema is how updates find the size of the item they change
            owner.createTable(b -> b.tableName("metered").billingMode("PAY_PER_REQUEST")
                    .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build()));
            // "pk" + "m1" + "payload" + 3,000 bytes = 3,011 bytes: 3 write units
            client.putItem(b -> b.tableName("metered").item(Map.of("pk", AttributeValue.fromS("m1"),
                    "payload", AttributeValue.fromS("x".repeat(3000)))));
            client.updateItem(b -> b.tableName("metered").key(key).updateExpression("SET flag = :t")
                    .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true))));
            assertThat(client.getItem(b -> b.tableName("metered").key(key)).item()).containsKey("flag");
            client.getItem(b -> b.tableName("metered").key(Map.of("pk", AttributeValue.fromS("absent"))).consistentRead(true));
        }

        assertThat(settings.capacityLog().units().get(fixture.role.arn()))
                .isEqualTo(new dev.inferbus.local.metering.CapacityLog.Units(3 + 3, 0.5 + 1, 0));
    }

    @Test
    void aWrongSecretIsInvalidSignatureException() {
        String secret = fixture.roleKey.secretAccessKey();
        // a secret that differs from the issued one in its first character (a random secret may start with x itself)
        String wrong = (secret.charAt(0) == 'x' ? "y" : "x") + secret.substring(1);
        Credential forged = new Credential(fixture.roleKey.accessKeyId(), wrong, fixture.roleKey.sessionToken(), fixture.role);
        try (DynamoDbClient client = fixture.client(DynamoDbClient.builder(), gateway, GatewayFixture.signedBy(forged)).build()) {
            assertThatThrownBy(client::listTables).isInstanceOfSatisfying(DynamoDbException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                assertThat(e.awsErrorDetails().errorMessage()).startsWith("The request signature we calculated does not match");
            });
        }
    }

    @Test
    void anUnknownKeyIsUnrecognizedClientException() {
        Credential stranger = new Credential("AKIAAAAAAAAAAAAAAAAA", "x".repeat(40), Optional.empty(), fixture.role);
        try (DynamoDbClient client = fixture.client(DynamoDbClient.builder(), gateway, GatewayFixture.signedBy(stranger)).build()) {
            assertThatThrownBy(client::listTables).isInstanceOfSatisfying(DynamoDbException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
                assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The security token included in the request is invalid.");
            });
        }
    }

    @Test
    void anUnsignedRequestIsMissingAuthenticationTokenException() {
        try (DynamoDbClient client = fixture.client(DynamoDbClient.builder(), gateway, AnonymousCredentialsProvider.create())
                .build()) {
            assertThatThrownBy(client::listTables).isInstanceOfSatisfying(DynamoDbException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("MissingAuthenticationTokenException");
            });
        }
    }

    /** DynamoDB Local itself wants some signature, so without auth it is a key nobody issued that passes here. */
    @Test
    void withoutAuthAnUnknownKeyPassesAsTheAdministrator() {
        GatewaySettings noAuth = fixture.settings(GatewaySettings.Mode.NO_AUTH, Clock.systemUTC());
        AuthGateway open = fixture.gateway(AwsService.DYNAMODB, dynamoDb.endpoint(), noAuth);
        Credential stranger = new Credential("AKIAAAAAAAAAAAAAAAAA", "x".repeat(40), Optional.empty(), fixture.role);
        try (DynamoDbClient client = fixture.client(DynamoDbClient.builder(), open, GatewayFixture.signedBy(stranger)).build()) {
            assertThat(client.listTables().tableNames()).contains("results", "audit");
        }
        assertThat(noAuth.accessLog().decisions()).containsOnlyKeys(fixture.credentials.admin().principal().arn());
        assertThat(noAuth.accessLog().decisions().get(fixture.credentials.admin().principal().arn()))
                .containsEntry(new AccessLog.Grant("dynamodb:ListTables", "*"), new AccessLog.Counts(1, 0));
    }

    @Test
    void aSignatureFromSixteenMinutesAgoHasExpired() {
        GatewaySettings later = fixture.settings(GatewaySettings.Mode.ENFORCE,
                Clock.offset(Clock.systemUTC(), Duration.ofMinutes(16)));
        AuthGateway skewed = fixture.gateway(AwsService.DYNAMODB, dynamoDb.endpoint(), later);
        try (DynamoDbClient client = fixture.client(DynamoDbClient.builder(), skewed, GatewayFixture.signedBy(fixture.roleKey))
                .build()) {
            assertThatThrownBy(client::listTables).isInstanceOfSatisfying(DynamoDbException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                assertThat(e.awsErrorDetails().errorMessage()).startsWith("Signature expired: ");
            });
        }
        assertThat(later.accessLog().refusals()).isEqualTo(Map.of(Refusal.SIGNATURE_EXPIRED, 1L));
    }

    @Test
    void aClientWithoutTheTrustMaterialFailsTheHandshake() {
        try (DynamoDbClient untrusting = DynamoDbClient.builder().endpointOverride(gateway.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(GatewayFixture.signedBy(fixture.roleKey))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            assertThatThrownBy(untrusting::listTables).isInstanceOf(SdkClientException.class)
                    .satisfies(e -> assertThat(causes(e)).anyMatch(SSLHandshakeException.class::isInstance))
                    .rootCause().hasMessageContaining("unable to find valid certification path");
        }
        try (DynamoDbClient trusting = fixture.client(DynamoDbClient.builder(), gateway,
                GatewayFixture.signedBy(fixture.credentials.admin())).build()) {
            assertThat(trusting.listTables().tableNames()).contains("results");
        }
    }

    private static List<Throwable> causes(Throwable thrown) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = thrown; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }
}
