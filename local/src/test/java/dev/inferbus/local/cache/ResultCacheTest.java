package dev.inferbus.local.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.events.cache.CacheTable;
import dev.inferbus.events.cache.ResultCache;
import dev.inferbus.local.faults.FaultProxy;
import dev.inferbus.local.faults.FaultRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** The result cache against DynamoDB Local, through a fault proxy: batching, keys, expiry, and failures that stay misses. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResultCacheTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long NOW = 1_800_000_000_000L;

    private CacheTables tables;
    private FaultProxy proxy;
    private DynamoDbAsyncClient client;
    private ResultCache cache;

    @BeforeAll
    void start() throws Exception {
        tables = CacheTables.start();
        proxy = FaultProxy.start("dynamodb", 0, tables.endpoint());
        client = CacheTables.asyncClient(proxy.endpoint());
        cache = new ResultCache(client, CacheTables.CACHE);
    }

    @AfterEach
    void clear() {
        proxy.clearRules();
    }

    @AfterAll
    void stop() {
        client.close();
        proxy.close();
        tables.close();
    }

    @Test
    void theKeyIsModelVersionAndTheCanonicalInput() throws Exception {
        JsonNode a = JSON.readTree("{\"features\":{\"amount\":1.0,\"hour\":3}}");
        JsonNode b = JSON.readTree("{ \"features\" : { \"hour\" : 3.00, \"amount\" : 1 } }");
        JsonNode c = JSON.readTree("{\"features\":{\"amount\":1.5,\"hour\":3}}");

        assertThat(CacheTable.key("m", "1", a)).isEqualTo(CacheTable.key("m", "1", b)).startsWith("m#1#").hasSize(4 + 64);
        assertThat(CacheTable.key("m", "1", a)).isNotEqualTo(CacheTable.key("m", "2", a)).isNotEqualTo(CacheTable.key("m", "1", c))
                .isNotEqualTo(CacheTable.key("n", "1", a));
    }

    @Test
    void storesAndFindsMoreThanOneBatchOfEachCallWithRepeatedKeys() {
        List<ResultCache.Entry> entries = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 130; i++) {
            String key = "many#1#" + i;
            entries.add(entry(key, "{\"i\":" + i + "}", Duration.ofMinutes(5)));
            keys.add(key);
            keys.add(key); // BatchGetItem refuses a request naming a key twice
        }
        entries.add(entry("many#1#0", "{\"i\":0}", Duration.ofMinutes(5)));
        keys.add("many#1#absent");

        assertThat(cache.store(entries, NOW).join()).isEqualTo(130);
        Map<String, String> hits = cache.lookup(keys, NOW + 1_000).join();

        assertThat(hits).hasSize(130).containsEntry("many#1#129", "{\"i\":129}").doesNotContainKey("many#1#absent");
        assertThat(proxy.counts()).isEmpty();
    }

    @Test
    void anEntryAtOrPastItsExpiryIsAMissThoughTheTableStillHoldsIt() {
        cache.store(List.of(entry("ttl#1#a", "{}", Duration.ofSeconds(60))), NOW).join();

        assertThat(cache.lookup(List.of("ttl#1#a"), NOW + 59_000).join()).containsKey("ttl#1#a");
        assertThat(cache.lookup(List.of("ttl#1#a"), NOW + 60_000).join()).isEmpty();
        assertThat(tables.cacheItem("ttl#1#a")).as("DynamoDB deletes expired items lazily").isNotEmpty();
    }

    @Test
    void aFailedLookupIsAMissAndAFailedStoreIsNotRaised() {
        cache.store(List.of(entry("fail#1#a", "{}", Duration.ofMinutes(5))), NOW).join();
        proxy.addRule(FaultRule.dynamoDbThrottling().name("get").operation("BatchGetItem").build());
        proxy.addRule(FaultRule.dynamoDbInternalServerError().name("write").operation("BatchWriteItem").build());

        assertThat(cache.lookup(List.of("fail#1#a"), NOW).join()).isEmpty();
        assertThat(cache.store(List.of(entry("fail#1#b", "{}", Duration.ofMinutes(5))), NOW).join()).isZero();
        assertThat(tables.cacheItem("fail#1#b")).isEmpty();

        proxy.clearRules();
        assertThat(cache.lookup(List.of("fail#1#a"), NOW).join()).containsKey("fail#1#a");
    }

    private static ResultCache.Entry entry(String key, String output, Duration ttl) {
        String[] parts = key.split("#");
        return new ResultCache.Entry(key, parts[0], parts[1], output, ttl);
    }
}
