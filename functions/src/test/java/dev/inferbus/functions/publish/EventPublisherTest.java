package dev.inferbus.functions.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.eventbridge.EventBridgeAsyncClient;

/**
 * Per-entry failures of PutEvents, answered by a stand-in speaking EventBridge's JSON protocol: a 200 whose
 * {@code FailedEntryCount} counts entries that carry an {@code ErrorCode} (PutEvents API reference).
 */
class EventPublisherTest {

    private HttpServer server;
    private EventBridgeAsyncClient events;
    private final List<Long> callTimes = Collections.synchronizedList(new ArrayList<>());
    /** When the client started each call: what "no call starts after" is about (the server sees it later). */
    private final List<Long> callStarts = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger failuresLeft = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            callTimes.add(System.currentTimeMillis());
            int entries = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("\"Detail\"", -1).length - 1;
            StringBuilder body = new StringBuilder();
            int failed = 0;
            for (int i = 0; i < entries; i++) {
                boolean fail = failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
                failed += fail ? 1 : 0;
                body.append(i == 0 ? "" : ",").append(fail ? "{\"ErrorCode\":\"ThrottlingException\",\"ErrorMessage\":\"Rate exceeded\"}"
                        : "{\"EventId\":\"e-" + i + "\"}");
            }
            byte[] reply = ("{\"FailedEntryCount\":" + failed + ",\"Entries\":[" + body + "]}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(200, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        server.start();
        events = EventBridgeAsyncClient.builder().region(Region.US_EAST_1)
                .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y")))
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        callStarts.add(System.currentTimeMillis());
                    }
                })).build();
    }

    @AfterEach
    void stop() {
        events.close();
        server.stop(0);
    }

    private static List<EventPublisher.Entry> entries(int n) {
        List<EventPublisher.Entry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            entries.add(new EventPublisher.Entry("InferenceCompleted", "{\"requestId\":\"r-" + i + "\"}"));
        }
        return entries;
    }

    @Test
    void failedEntriesAloneAreSentAgainUntilAccepted() {
        failuresLeft.set(3);
        EventPublisher publisher = EventPublisher.standard(events, "bus", Clock.systemUTC());

        boolean[] accepted = publisher.publish(entries(5), System.currentTimeMillis() + 10_000).join();

        assertThat(accepted).containsOnly(true);
        assertThat(callTimes.size()).isBetween(2, 4);
    }

    /** Full jitter: each wait is drawn from [0, base * 2^attempt), so publishers that failed together spread out. */
    @Test
    void retriesWaitWithFullJitter() {
        BackoffStrategy backoff = BackoffStrategy.exponentialDelay(Duration.ofMillis(50), Duration.ofSeconds(1));
        Set<Long> waits = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            long wait = backoff.computeDelay(3).toMillis();
            assertThat(wait).isBetween(0L, 400L);
            waits.add(wait);
        }
        assertThat(waits).hasSizeGreaterThan(10);
        EventPublisher publisher = new EventPublisher(events, "bus", 4, backoff, Clock.systemUTC());
        failuresLeft.set(1_000);

        publisher.publish(entries(1), System.currentTimeMillis() + 10_000).join();

        assertThat(callTimes).hasSize(4);
    }

    /** A publisher whose lease is over does not publish: another delivery may hold the lease by now. */
    @Test
    void noCallStartsAfterTheLastStart() {
        failuresLeft.set(1_000);
        EventPublisher publisher = new EventPublisher(events, "bus", 50,
                BackoffStrategy.fixedDelayWithoutJitter(Duration.ofMillis(100)), Clock.systemUTC());
        long lastStart = System.currentTimeMillis() + 1_500;

        boolean[] accepted = publisher.publish(entries(1), lastStart).join();

        assertThat(accepted).containsOnly(false);
        assertThat(callStarts).isNotEmpty().allSatisfy(t -> assertThat(t).isLessThanOrEqualTo(lastStart));
        int calls = callTimes.size();
        assertThat(calls).isLessThan(50);
        assertThat(publisher.publish(entries(1), System.currentTimeMillis() - 1).join()).containsOnly(false);
        assertThat(callTimes).hasSize(calls);
    }
}
