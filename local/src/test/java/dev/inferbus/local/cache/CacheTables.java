package dev.inferbus.local.cache;

import dev.inferbus.events.cache.CacheTable;
import dev.inferbus.events.results.ResultsTable;
import dev.inferbus.events.timing.TimeBudgets;
import dev.inferbus.local.cloud.AwsClients;
import dev.inferbus.local.emulators.DynamoDbLocalServer;
import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** DynamoDB Local with a results table and a result cache table, keyed as their schema owners say. */
public final class CacheTables implements AutoCloseable {

    public static final String RESULTS = "results";
    static final String CACHE = "result-cache";

    private final DynamoDbLocalServer dynamo;
    private final DynamoDbClient direct;

    private CacheTables(DynamoDbLocalServer dynamo, DynamoDbClient direct) {
        this.dynamo = dynamo;
        this.direct = direct;
    }

    public static CacheTables start() throws Exception {
        DynamoDbLocalServer dynamo = DynamoDbLocalServer.start(0);
        DynamoDbClient direct = AwsClients.configure(DynamoDbClient.builder(), dynamo.endpoint()).build();
        create(direct, RESULTS, ResultsTable.KEY);
        create(direct, CACHE, CacheTable.KEY);
        return new CacheTables(dynamo, direct);
    }

    private static void create(DynamoDbClient client, String table, String key) {
        client.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName(key).attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName(key).keyType(KeyType.HASH).build()));
    }

    /** An async client timed as the functions' is (AwsServices): a failing call ends within the call's budget. */
    public static DynamoDbAsyncClient asyncClient(URI endpoint) {
        return DynamoDbAsyncClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .overrideConfiguration(o -> o.apiCallTimeout(TimeBudgets.AWS_CALL).apiCallAttemptTimeout(TimeBudgets.AWS_ATTEMPT))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()).build();
    }

    public URI endpoint() {
        return dynamo.endpoint();
    }

    Map<String, AttributeValue> cacheItem(String key) {
        return direct.getItem(b -> b.tableName(CACHE).key(Map.of(CacheTable.KEY, AttributeValue.fromS(key))).consistentRead(true)).item();
    }

    int cacheItems() {
        return direct.scan(b -> b.tableName(CACHE).consistentRead(true)).count();
    }

    @Override
    public void close() {
        direct.close();
        dynamo.close();
    }
}
