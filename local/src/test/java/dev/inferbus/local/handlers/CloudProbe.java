package dev.inferbus.local.handlers;

import dev.inferbus.events.results.ResultRow;
import dev.inferbus.events.results.StoredResult;
import static dev.inferbus.local.cloud.Eventually.await;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.lambda.Invoker;
import dev.inferbus.local.lambda.LambdaEvents;
import dev.inferbus.local.lambda.runtime.EnvironmentState;
import dev.inferbus.local.lambda.runtime.FunctionPool;
import dev.inferbus.local.lambda.runtime.InvocationResult;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/** What the handler tests do to a local cloud and watch of it: put requests, await rows, collect result events. */
final class CloudProbe {

    static final ObjectMapper JSON = new ObjectMapper();

    private final LocalCloud cloud;
    private final List<JsonNode> published = new CopyOnWriteArrayList<>();

    /** Starts collecting every result event the bus carries from now on. */
    CloudProbe(LocalCloud cloud, String name) {
        this.cloud = cloud;
        cloud.observe(name, "{\"source\":[\"inferbus\"]}", (event, json) -> published.add(event));
    }

    /**
     * Puts the deployed functions back behind their routes and mappings: the test JVM shares one cloud, and other
     * classes (the cloud contract tests) stand recorders in for them.
     */
    static void restoreDeployedFunctions(LocalCloud cloud) {
        cloud.functionNames().keySet().forEach(cloud::restoreFunction);
    }

    List<JsonNode> eventsFor(String requestIdPrefix) {
        return published.stream().filter(e -> e.path("detail").path("requestId").asText().startsWith(requestIdPrefix)).toList();
    }

    int queueDepth(String queueUrl) {
        return Integer.parseInt(cloud.clients().sqs().getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNamesWithStrings("ApproximateNumberOfMessages")).attributesAsStrings().get("ApproximateNumberOfMessages"));
    }

    /**
     * Waits until nothing of a queue-fed function is in flight: its queue holds no message, visible or not, and none
     * of its environments is starting or busy. Then no delivery of an earlier test's requests can reach it any more —
     * a redelivery included, or a batch whose invocation waited out the visibility timeout behind a cold start.
     */
    void awaitIdle(String function) {
        String queueUrl = cloud.sourceQueueUrl(function);
        FunctionPool pool = cloud.function(function);
        await(() -> drained(queueUrl) && pool.stats().stream().allMatch(e -> e.state() == EnvironmentState.READY) && drained(queueUrl));
    }

    private boolean drained(String queueUrl) {
        Map<String, String> depth = cloud.clients().sqs().getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
                .attributesAsStrings();
        return depth.get("ApproximateNumberOfMessages").equals("0") && depth.get("ApproximateNumberOfMessagesNotVisible").equals("0");
    }

    /** Whatever row the key has, once it has one (a PENDING one included). */
    StoredResult awaitStored(String key) {
        await(() -> cloud.result(key).isPresent());
        return cloud.result(key).orElseThrow();
    }

    /** The row once it is final (COMPLETED or FAILED), not PENDING at an asynchronous endpoint. */
    ResultRow awaitRow(String key) {
        await(() -> cloud.result(key).filter(row -> row.status().isFinal()).isPresent());
        return ((StoredResult.Final) cloud.result(key).orElseThrow()).row();
    }

    /** Whether the final row of a key has had its event published. */
    boolean published(String key) {
        return cloud.result(key).filter(StoredResult.Final.class::isInstance).map(r -> ((StoredResult.Final) r).published()).orElse(false);
    }

    void put(JsonNode detail) {
        assertThat(cloud.clients().events().putEvents(b -> b.entries(entry(detail))).failedEntryCount()).isZero();
    }

    /** Puts many requests, ten to a PutEvents call. */
    void putAll(List<? extends JsonNode> details) {
        for (int from = 0; from < details.size(); from += 10) {
            List<PutEventsRequestEntry> entries = details.subList(from, Math.min(from + 10, details.size())).stream()
                    .map(CloudProbe::entry).toList();
            assertThat(cloud.clients().events().putEvents(b -> b.entries(entries)).failedEntryCount()).isZero();
        }
    }

    /**
     * The catalog the functions were deployed with, read where their environment says it lies (the CDK app deploys
     * it into the payload bucket).
     */
    ModelCatalog deployedCatalog() {
        String location = cloud.function("cpu-batch").function().environment().get("INFERBUS_CATALOG");
        URI uri = URI.create(location);
        String yaml = cloud.clients().s3().getObjectAsBytes(b -> b.bucket(uri.getHost()).key(uri.getPath().substring(1))).asUtf8String();
        return CatalogLoader.parse(yaml, location);
    }

    static ObjectNode detail(String requestId, String model, ObjectNode input) {
        ObjectNode detail = JSON.createObjectNode().put("requestId", requestId).put("model", model);
        detail.set("input", input);
        return detail;
    }

    static ObjectNode text(String text) {
        return JSON.createObjectNode().put("text", text);
    }

    static PutEventsRequestEntry entry(JsonNode detail) {
        return PutEventsRequestEntry.builder().eventBusName("inferbus").source("app.test")
                .detailType("InferenceRequested").detail(detail.toString()).build();
    }

    /**
     * Stands in for a deployed function through {@link LocalCloud#replaceFunction} and passes every invocation on
     * to the function itself — its execution environments, the real processes — recording what each invocation
     * carried and what it answered. Its routes and mappings stay; the function does all the work.
     */
    static final class Tap implements Invoker {

        /**
         * One invocation: the requestId of each item of its event (by the id a batch response names it with: an SQS
         * messageId, a Kinesis sequence number) and Lambda's result.
         */
        record Invocation(Map<String, String> requestIdsByItem, InvocationResult result) {

            boolean carries(String requestIdPrefix) {
                return requestIdsByItem.values().stream().anyMatch(id -> id.startsWith(requestIdPrefix));
            }

            long count(String requestIdPrefix) {
                return requestIdsByItem.values().stream().filter(id -> id.startsWith(requestIdPrefix)).count();
            }

            /** The requestIds the event source hands back: those the batch response names, or all on a failed invocation. */
            Set<String> handedBack() {
                if (!(result instanceof InvocationResult.Success success)) {
                    return Set.copyOf(requestIdsByItem.values());
                }
                return LambdaEvents.batchItemFailures(success.payload()).stream()
                        .map(item -> requestIdsByItem.getOrDefault(item, "?" + item)).collect(java.util.stream.Collectors.toSet());
            }
        }

        /** How the tap calls the function; the default passes the event through unchanged. */
        interface Around {
            InvocationResult invoke(String payload, Invoker function);
        }

        private final Invoker function;
        private final Around around;
        private final Consumer<Invocation> afterEach;
        /** The items of each invocation, recorded as the function is handed them (before it writes anything). */
        private final List<Map<String, String>> handedOver = new CopyOnWriteArrayList<>();
        /** Each invocation once the function answered it. */
        final List<Invocation> invocations = new CopyOnWriteArrayList<>();

        /**
         * @param afterEach runs once the function answered, before the event source learns the result (so before any
         *                  redelivery): where a test ends a fault after the invocation it was meant for
         */
        Tap(LocalCloud cloud, String functionName, Around around, Consumer<Invocation> afterEach) {
            this.function = cloud.function(functionName)::invoke;
            this.around = around;
            this.afterEach = afterEach;
        }

        Tap(LocalCloud cloud, String functionName, Consumer<Invocation> afterEach) {
            this(cloud, functionName, (payload, function) -> function.invoke(payload), afterEach);
        }

        @Override
        public InvocationResult invoke(String payload) {
            Map<String, String> items = requestIdsByItem(payload);
            handedOver.add(items);
            InvocationResult result = around.invoke(payload, function);
            Invocation invocation = new Invocation(items, result);
            invocations.add(invocation);
            afterEach.accept(invocation);
            return result;
        }

        /** The answered invocations that carried a request of this prefix. */
        List<Invocation> carrying(String requestIdPrefix) {
            return invocations.stream().filter(i -> i.carries(requestIdPrefix)).toList();
        }

        /** How many times the function was handed this request (counted as it is handed over). */
        long deliveries(String requestId) {
            return handedOver.stream().mapToLong(items -> items.values().stream().filter(requestId::equals).count()).sum();
        }

        /** How many invocations handed this request back to its event source for a retry. */
        long handedBack(String requestId) {
            return invocations.stream().filter(i -> i.handedBack().contains(requestId)).count();
        }

        /** Every requestId some invocation handed back. */
        Set<String> handedBack() {
            return invocations.stream().flatMap(i -> i.handedBack().stream()).collect(java.util.stream.Collectors.toSet());
        }

        /** The items of an SQS, Kinesis or EventBridge event, by the id a batch response would name, with their requestIds. */
        static Map<String, String> requestIdsByItem(String payload) {
            Map<String, String> out = new LinkedHashMap<>();
            JsonNode event = read(payload);
            if (!event.has("Records")) {
                out.put(event.path("id").asText(), event.path("detail").path("requestId").asText());
                return out;
            }
            for (JsonNode record : event.path("Records")) {
                if (record.has("kinesis")) {
                    JsonNode kinesis = record.path("kinesis");
                    String data = new String(Base64.getDecoder().decode(kinesis.path("data").asText()), StandardCharsets.UTF_8);
                    out.put(kinesis.path("sequenceNumber").asText(), requestIdOf(data));
                } else {
                    out.put(record.path("messageId").asText(), requestIdOf(record.path("body").asText()));
                }
            }
            return out;
        }

        private static String requestIdOf(String eventJson) {
            try {
                return JSON.readTree(eventJson).path("detail").path("requestId").asText();
            } catch (Exception e) {
                return ""; // a record that is not an event at all
            }
        }

        private static JsonNode read(String json) {
            try {
                return JSON.readTree(json);
            } catch (Exception e) {
                return JSON.createObjectNode();
            }
        }
    }
}
