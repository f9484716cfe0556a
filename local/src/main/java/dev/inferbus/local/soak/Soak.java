package dev.inferbus.local.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.events.samples.SampleEvents;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.results.ResultRow;
import dev.inferbus.events.results.Status;
import dev.inferbus.events.results.StoredResult;
import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.lambda.runtime.EnvironmentState;
import dev.inferbus.local.sagemaker.Faults;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The soak: many mixed good and bad events at a bounded rate through the local cloud with faults on (DynamoDB
 * writes failing before and after the write, result events refused by PutEvents, the endpoints throttling and
 * failing), then a reconciliation of what was put against the rows, the result events and the dead-letter
 * queues: every event must end as exactly one final row — the outcome its sample promises — or in a DLQ, and
 * be announced exactly once.
 */
public final class Soak {

    /** The soak's own fault mix; {@link #NONE} for a clean run. */
    public record FaultRates(double dynamoBefore, double dynamoAfter, double putEvents, Faults endpoints) {
        public static final FaultRates DEFAULT = new FaultRates(0.005, 0.005, 0.01, new Faults(0, 0.03, 0.02, 0));
        public static final FaultRates NONE = new FaultRates(0, 0, 0, Faults.NONE);
    }

    /** The reconciliation. */
    /** @param unannounced final rows whose result event never reached the bus */
    /** @param deniedCalls calls the template's policies refused: each is a grant AWS would refuse as well */
    public record Report(int expected, int completed, int failed, int deadLettered, int pending, int lost, int duplicatedEvents,
                         int unannounced, int wrongOutcome, long faultsInjected, long deniedCalls, double seconds) {
        public boolean clean() {
            return lost == 0 && duplicatedEvents == 0 && unannounced == 0 && wrongOutcome == 0 && pending == 0 && deniedCalls == 0;
        }
    }

    private record Put(String key, boolean valid, ErrorCode errorCode) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;

    public Soak(PrintStream out) {
        this.out = out;
    }

    /** Settings for the soak's cloud: retries within seconds, enough receives that faults alone rarely dead-letter. */
    public static LocalCloud.Settings settings() {
        return new LocalCloud.Settings(true, 10, 5, 3, Duration.ofMillis(200), 2, true);
    }

    public Report run(LocalCloud cloud, FaultRates rates, int events, int perSecond) throws InterruptedException {
        ServiceFaults functionFaults = ServiceFaults.on(cloud, rates);
        Map<String, AtomicInteger> announced = new ConcurrentHashMap<>();
        cloud.observe("soak-results", "{\"source\":[\"inferbus\"]}", (event, json) -> {
            JsonNode detail = event.path("detail");
            String key = detail.path("requestId").isTextual() ? detail.path("requestId").asText() : null;
            announced.computeIfAbsent(key == null ? "?" : key, k -> new AtomicInteger()).incrementAndGet();
        });
        cloud.putEvents().failResultEntries(rates.putEvents());
        cloud.sageMaker().ifPresent(s -> s.faults(rates.endpoints()));
        long start = System.nanoTime();
        List<Put> puts = putAll(cloud, events, perSecond, () -> killOneEnvironment(cloud));
        out.printf("put %d events in %.1f s; reconciling%n", puts.size(), (System.nanoTime() - start) / 1e9);

        long deadline = System.nanoTime() + Duration.ofSeconds(120 + events / 20).toNanos();
        Set<String> deadLettered = new HashSet<>();
        while (System.nanoTime() < deadline) {
            Map<String, ResultRow> now = finalRows(cloud);
            deadLettered.addAll(drainDeadLetters(cloud));
            long settled = puts.stream().filter(p -> now.containsKey(p.key()) || deadLettered.contains(p.key())).count();
            out.printf("settled %d/%d%n", settled, puts.size());
            if (settled == puts.size()) {
                break;
            }
            Thread.sleep(2000);
        }
        // every row can exist while a redelivery still owes its event (a killed environment's batch waits out its
        // publish lease): wait until the queues hold nothing in flight before reconciling
        awaitQueuesDrained(cloud, deadline);
        // faults off, and time for the last publishes and any duplicate to show
        cloud.putEvents().failResultEntries(0);
        cloud.sageMaker().ifPresent(s -> s.faults(Faults.NONE));
        functionFaults.clear();
        Thread.sleep(3000);
        Map<String, ResultRow> rows = finalRows(cloud);
        int completed = 0;
        int failed = 0;
        int dead = 0;
        int pending = 0;
        int lost = 0;
        int wrong = 0;
        int duplicated = 0;
        int unannounced = 0;
        Map<String, StoredResult> all = allRows(cloud);
        for (Put p : puts) {
            ResultRow row = rows.get(p.key());
            if (row == null) {
                if (deadLettered.contains(p.key())) {
                    dead++;
                } else if (all.containsKey(p.key())) {
                    pending++;
                } else {
                    lost++;
                }
                continue;
            }
            boolean ok = p.valid() ? row.status() == Status.COMPLETED
                    : row.status() == Status.FAILED && row.errorCode() == p.errorCode();
            if (!ok) {
                wrong++;
            }
            if (row.status() == Status.COMPLETED) {
                completed++;
            } else {
                failed++;
            }
            if (p.key().startsWith("invalid:")) {
                continue; // an event without a usable requestId is announced without one: nothing to count it by
            }
            AtomicInteger n = announced.get(p.key());
            if (n == null) {
                unannounced++;
            } else if (n.get() > 1) {
                duplicated++;
            }
        }
        long faults = functionFaults.failedBefore() + functionFaults.failedAfter() + cloud.putEvents().injectedFailures()
                + cloud.sageMaker().map(s -> s.endpointNames().stream().flatMap(e -> s.stats(e).stream())
                        .mapToLong(st -> st.throttled() + st.failed()).sum()).orElse(0L);
        Report report = new Report(puts.size(), completed, failed, dead, pending, lost, duplicated, unannounced, wrong, faults,
                cloud.deniedCalls(), (System.nanoTime() - start) / 1e9);
        print(report, functionFaults, cloud);
        return report;
    }

    /**
     * A function process killed in the middle of a batch (SIGKILL, as when Lambda's host fails), while it computes:
     * within a poll (20 ms) of its invocation starting, before any of the batch's writes. Its messages must come back
     * through the queue and complete in another environment with nothing lost or doubled. (A kill between a batch's
     * PutEvents and its published marks republishes those events — at-least-once; see HandlersIntegrationTest's
     * crash test for kills among the writes.)
     */
    private void killOneEnvironment(LocalCloud cloud) {
        String function = "cpu-batch";
        var pool = cloud.function(function);
        // an invocation began since the last poll where an environment is busy now but was not, or has answered one more
        Map<Long, dev.inferbus.local.lambda.runtime.EnvironmentStats> seen = new HashMap<>();
        pool.stats().forEach(e -> seen.put(e.pid(), e));
        java.util.Optional<Long> killed = java.util.Optional.empty();
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (killed.isEmpty() && System.nanoTime() < deadline) {
            for (var e : pool.stats()) {
                var before = seen.get(e.pid());
                boolean justStarted = e.state() == EnvironmentState.BUSY && before != null
                        && (before.state() != EnvironmentState.BUSY || e.invocations() > before.invocations());
                seen.put(e.pid(), e);
                if (justStarted && pool.kill(e.pid())) {
                    killed = java.util.Optional.of(e.pid());
                    break;
                }
            }
            if (killed.isEmpty()) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        out.printf("killed %s mid-batch: %s%n", function, killed.map(pid -> "pid " + pid).orElse("no batch started within 30 s"));
        killedEnvironments += killed.isPresent() ? 1 : 0;
    }

    private int killedEnvironments;

    private void awaitQueuesDrained(LocalCloud cloud, long deadline) throws InterruptedException {
        List<String> queues = new ArrayList<>();
        for (String function : cloud.functionNames().keySet()) {
            try {
                queues.add(cloud.sourceQueueUrl(function));
            } catch (IllegalArgumentException e) {
                // a function without a queue: nothing to drain
            }
        }
        while (System.nanoTime() < deadline) {
            long inFlight = 0;
            for (String url : queues) {
                var attributes = cloud.clients().sqs().getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                        software.amazon.awssdk.services.sqs.model.QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        software.amazon.awssdk.services.sqs.model.QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
                inFlight += attributes.values().stream().mapToLong(Long::parseLong).sum();
            }
            if (inFlight == 0) {
                return;
            }
            out.printf("queues still hold %d message(s)%n", inFlight);
            Thread.sleep(2000);
        }
    }

    private List<Put> putAll(LocalCloud cloud, int events, int perSecond, Runnable halfway) throws InterruptedException {
        List<SampleEvents.Sample> valid = SampleEvents.valid();
        List<SampleEvents.Sample> invalid = SampleEvents.invalid();
        Map<String, List<SampleEvents.Sample>> byModel = new HashMap<>();
        valid.forEach(s -> byModel.computeIfAbsent(s.model(), k -> new ArrayList<>()).add(s));
        // the mix: mostly the cheap tabular and sensor models, a share of texts for each tier, and bad events
        String[] models = {"fraud-scorer", "sensor-anomaly", "sentence-embedder", "document-embedder", "archive-embedder"};
        double[] shares = {0.35, 0.30, 0.12, 0.12, 0.03};
        SplittableRandom random = new SplittableRandom(20261122);
        List<Put> puts = new ArrayList<>(events);
        List<SampleEvents.Sample> batch = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < events; i++) {
            if (i == events / 2) {
                halfway.run();
            }
            double dice = random.nextDouble();
            SampleEvents.Sample sample;
            if (dice < 0.08) {
                sample = invalid.get(random.nextInt(invalid.size()));
            } else {
                double at = 0.08;
                String model = models[models.length - 1];
                for (int m = 0; m < models.length; m++) {
                    at += shares[m];
                    if (dice < at) {
                        model = models[m];
                        break;
                    }
                }
                List<SampleEvents.Sample> choices = byModel.get(model);
                sample = choices.get(random.nextInt(choices.size()));
            }
            batch.add(sample);
            ids.add("soak-" + i);
            if (batch.size() == 10 || i == events - 1) {
                puts.addAll(put(cloud, batch, ids));
                batch.clear();
                ids.clear();
                long due = started + (long) ((i + 1) * 1e9 / perSecond);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
        }
        return puts;
    }

    private List<Put> put(LocalCloud cloud, List<SampleEvents.Sample> samples, List<String> ids) {
        List<PutEventsRequestEntry> entries = new ArrayList<>();
        for (int k = 0; k < samples.size(); k++) {
            JsonNode event = samples.get(k).event();
            ObjectNode detail = event.path("detail").deepCopy();
            // a usable requestId is made unique per put; a broken one is kept, so the event still fails for it
            if (EventCodec.requestIdOf(detail) != null) {
                detail.put("requestId", ids.get(k));
            }
            entries.add(PutEventsRequestEntry.builder().eventBusName(cloud.busName()).source(event.path("source").asText())
                    .detailType(event.path("detail-type").asText()).detail(detail.toString()).build());
        }
        PutEventsResponse response = cloud.clients().events().putEvents(b -> b.entries(entries));
        List<Put> puts = new ArrayList<>();
        for (int k = 0; k < samples.size(); k++) {
            SampleEvents.Sample sample = samples.get(k);
            String eventId = response.entries().get(k).eventId();
            if (eventId == null) {
                throw new IllegalStateException("PutEvents refused a soak event: " + response.entries().get(k).errorMessage());
            }
            String requestId = EventCodec.requestIdOf(JSON.valueToTree(readTree(entries.get(k).detail())));
            puts.add(new Put(requestId != null ? requestId : "invalid:" + eventId, sample.valid(),
                    sample.valid() ? null : sample.expected().errorCode()));
        }
        return puts;
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, StoredResult> allRows(LocalCloud cloud) {
        Map<String, StoredResult> rows = new HashMap<>();
        cloud.results().scan().join().forEach(row -> rows.put(row.key(), row));
        return rows;
    }

    private static Map<String, ResultRow> finalRows(LocalCloud cloud) {
        Map<String, ResultRow> rows = new HashMap<>();
        allRows(cloud).values().forEach(row -> {
            if (row instanceof StoredResult.Final done) {
                rows.put(done.key(), done.row());
            }
        });
        return rows;
    }

    /** The keys of what the dead-letter queues hold now (each read once, then deleted). */
    private Set<String> drainDeadLetters(LocalCloud cloud) {
        Set<String> keys = new HashSet<>();
        for (String url : cloud.deadLetterQueueUrls()) {
            String queue = url.substring(url.lastIndexOf('/') + 1);
            while (true) {
                List<Message> messages = cloud.clients().sqs().receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)
                        .messageAttributeNames("All")).messages();
                if (messages.isEmpty()) {
                    break;
                }
                for (Message m : messages) {
                    JsonNode body = readTree(m.body());
                    String reason = m.messageAttributes().containsKey("ErrorMessage") ? m.messageAttributes().get("ErrorMessage").stringValue()
                            : body.path("responsePayload").path("errorMessage").asText("(no reason)");
                    if (body.has("requestPayload")) {
                        body = body.path("requestPayload"); // an asynchronous invocation's on-failure record
                    }
                    if (body.has("KinesisBatchInfo")) {
                        keys.addAll(kinesisKeys(cloud, body.path("KinesisBatchInfo")));
                    } else {
                        JsonNode detail = body.path("detail");
                        String requestId = EventCodec.requestIdOf(detail);
                        keys.add(requestId != null ? requestId : "invalid:" + body.path("id").asText());
                        out.printf("dead-lettered %s from %s: %s%n", requestId, queue, reason);
                    }
                    cloud.clients().sqs().deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
                }
            }
        }
        return keys;
    }

    /** The requests of a Kinesis on-failure record: the records of its shard between its sequence numbers. */
    private List<String> kinesisKeys(LocalCloud cloud, JsonNode info) {
        String stream = info.path("streamArn").asText().substring(info.path("streamArn").asText().lastIndexOf('/') + 1);
        String end = info.path("endSequenceNumber").asText();
        String iterator = cloud.clients().kinesis().getShardIterator(b -> b.streamName(stream).shardId(info.path("shardId").asText())
                .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER)
                .startingSequenceNumber(info.path("startSequenceNumber").asText())).shardIterator();
        List<String> keys = new ArrayList<>();
        while (iterator != null) {
            String at = iterator;
            var records = cloud.clients().kinesis().getRecords(b -> b.shardIterator(at).limit(1000));
            for (var record : records.records()) {
                if (new java.math.BigInteger(record.sequenceNumber()).compareTo(new java.math.BigInteger(end)) > 0) {
                    break;
                }
                JsonNode event = readTree(record.data().asString(java.nio.charset.StandardCharsets.UTF_8));
                String requestId = EventCodec.requestIdOf(event.path("detail"));
                keys.add(requestId != null ? requestId : "invalid:" + event.path("id").asText());
            }
            boolean past = records.records().isEmpty() || new java.math.BigInteger(records.records().get(records.records().size() - 1)
                    .sequenceNumber()).compareTo(new java.math.BigInteger(end)) >= 0;
            iterator = past ? null : records.nextShardIterator();
        }
        out.printf("dead-lettered %d kinesis record(s) of %s%n", keys.size(), stream);
        return keys;
    }

    private void print(Report r, ServiceFaults faults, LocalCloud cloud) {
        out.println("reconciliation");
        out.printf("  events put          %d%n", r.expected());
        out.printf("  rows COMPLETED      %d%n", r.completed());
        out.printf("  rows FAILED         %d%n", r.failed());
        out.printf("  dead-lettered       %d%n", r.deadLettered());
        out.printf("  still PENDING       %d%n", r.pending());
        out.printf("  wrong outcome       %d%n", r.wrongOutcome());
        out.printf("  lost                %d%n", r.lost());
        out.printf("  duplicated events   %d%n", r.duplicatedEvents());
        out.printf("  unannounced rows    %d%n", r.unannounced());
        out.printf("  IAM denied calls    %d%n", r.deniedCalls());
        cloud.accessLog().denials().forEach((message, count) -> out.println("    " + count + "x " + message));
        out.printf("  faults injected     %d (DynamoDB before write %d, after write %d; PutEvents entries %d; endpoints %d)%n",
                r.faultsInjected(), faults.failedBefore(), faults.failedAfter(), cloud.putEvents().injectedFailures(),
                r.faultsInjected() - faults.failedBefore() - faults.failedAfter() - cloud.putEvents().injectedFailures());
        out.printf("  processes killed    %d (SIGKILL mid-batch)%n", killedEnvironments);
        out.printf("  time                %.1f s%n", r.seconds());
    }
}
