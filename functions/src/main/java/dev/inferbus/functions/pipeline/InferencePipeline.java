package dev.inferbus.functions.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.contract.Decoded;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.events.contract.InferenceRequested;
import dev.inferbus.events.contract.Rejection;
import dev.inferbus.functions.batch.Outcome;
import dev.inferbus.functions.batch.Scorer;
import dev.inferbus.functions.batch.ScoringRequest;
import dev.inferbus.functions.claimcheck.ClaimChecks;
import dev.inferbus.functions.metrics.BatchMetrics;
import dev.inferbus.functions.results.LargeOutputs;
import dev.inferbus.functions.results.ResultReporter;
import dev.inferbus.functions.results.ResultRow;
import dev.inferbus.functions.results.ResultRows;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every handler runs, once per invocation: decode and check every record, resolve claim checks in parallel,
 * score the valid ones in tensor batches, write one result row each (in parallel, conditionally), publish the
 * events of new rows, and say which records must be retried.
 *
 * <p>Permanent problems (a bad event, an unknown model, a bad input) become FAILED rows and are never retried.
 * Transient ones (S3, DynamoDB or EventBridge throttling, 5xx, timeouts) leave the record to be retried; a row
 * already written is then found on redelivery and only its unpublished event is sent.
 */
public final class InferencePipeline {

    private static final Logger LOG = LoggerFactory.getLogger(InferencePipeline.class);

    /**
     * One record of an invocation: its id in the batch (message id, sequence number, event id) and its body.
     *
     * @param orderKey for a stream's record, its partition key: records of one key are written in batch order, and
     *                 none after one that must be retried (the source redelivers from it); null where order does not matter
     */
    public record Record(String id, String body, String orderKey) {

        public Record(String id, String body) {
            this(id, body, null);
        }
    }

    /**
     * @param retry the ids of the records to hand back for a retry
     * @param submitted requests handed to an asynchronous endpoint (their rows are PENDING)
     */
    public record Report(List<String> retry, int completed, int failed, int duplicates, int submitted) {
    }

    private final ModelCatalog catalog;
    private final Set<String> served;
    private final EventCodec codec;
    private final Scorer scorer;
    private final ClaimChecks claimChecks;
    private final ResultRows rows;
    private final ResultReporter reporter;
    private final LargeOutputs largeOutputs;
    private final BatchMetrics metrics;
    private final Clock clock;

    /** @param scorer the cpu tier's micro-batcher, or the gpu tier's endpoint forwarder */
    public InferencePipeline(ModelCatalog catalog, Set<String> served, EventCodec codec, Scorer scorer,
                             ClaimChecks claimChecks, ResultReporter reporter, LargeOutputs largeOutputs,
                             BatchMetrics metrics, Clock clock) {
        this.catalog = catalog;
        this.served = Set.copyOf(served);
        this.codec = codec;
        this.scorer = scorer;
        this.claimChecks = claimChecks;
        this.rows = new ResultRows(codec);
        this.reporter = reporter;
        this.largeOutputs = largeOutputs;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** One record's way through the pipeline. */
    private static final class Slot {
        final Record record;
        Decoded.Request request;
        ModelSpec spec;
        JsonNode input;
        Rejection rejection;
        String eventId;
        Outcome.Scored scored;
        boolean retry;
        boolean submitted;
        boolean ended;
        ResultRow row;

        Slot(Record record) {
            this.record = record;
        }

        boolean scorable() {
            return !retry && rejection == null && spec != null && input != null;
        }

        Long requestedAt() {
            return request != null && request.eventTime() != null ? request.eventTime().toEpochMilli() : null;
        }
    }

    public Report process(List<Record> records) {
        long start = System.nanoTime();
        List<Slot> slots = records.stream().map(Slot::new).toList();
        slots.forEach(this::decodeAndCheck);
        resolveClaimChecks(slots);
        score(slots);
        List<Slot> toWrite = slots.stream().filter(s -> !s.retry && !s.submitted && !s.ended).toList();
        buildRows(toWrite);
        holdBackBehindRetries(slots);
        int[] counts = writeAndPublish(toWrite);
        counts[2] += (int) slots.stream().filter(s -> s.ended).count();
        List<String> retry = slots.stream().filter(s -> s.retry).map(s -> s.record.id()).toList();
        int submitted = (int) slots.stream().filter(s -> s.submitted).count();
        emitMetrics(slots);
        LOG.info("{\"batch\":{\"records\":{},\"completed\":{},\"failed\":{},\"duplicates\":{},\"submitted\":{},\"retry\":{},\"ms\":{}}}",
                records.size(), counts[0], counts[1], counts[2], submitted, retry.size(), (System.nanoTime() - start) / 1_000_000);
        return new Report(retry, counts[0], counts[1], counts[2], submitted);
    }

    /**
     * The compute path alone — decode, check, score, build the rows and their event JSON — with no call to S3,
     * DynamoDB or EventBridge: what the benchmarks set against raw ONNX Runtime. Records that would need I/O
     * (a claim check) are refused.
     */
    public List<ResultRow> computeRows(List<Record> records) {
        List<Slot> slots = records.stream().map(Slot::new).toList();
        slots.forEach(this::decodeAndCheck);
        if (slots.stream().anyMatch(s -> s.request != null && s.request.detail().inputRef() != null)) {
            throw new IllegalArgumentException("computeRows does no I/O; a claim check needs process()");
        }
        score(slots);
        buildRows(slots);
        return slots.stream().map(s -> s.row).toList();
    }

    private void decodeAndCheck(Slot slot) {
        Decoded decoded = codec.decode(slot.record.body());
        switch (decoded) {
            case Decoded.Invalid invalid -> {
                slot.rejection = invalid.rejection();
                slot.eventId = invalid.eventId();
            }
            case Decoded.Request request -> {
                slot.request = request;
                slot.eventId = request.eventId();
                check(slot, request);
            }
        }
    }

    private void check(Slot slot, Decoded.Request request) {
        InferenceRequested detail = request.detail();
        Optional<ModelSpec> spec = catalog.find(detail.model());
        if (spec.isEmpty()) {
            slot.rejection = reject(detail, ErrorCode.UNKNOWN_MODEL, request.pointer("model") + ": unknown model '"
                    + detail.model() + "' (catalog models: " + catalog.ids() + ")");
            return;
        }
        ModelSpec model = spec.get();
        if (detail.version() != null && !detail.version().equals(model.version())) {
            slot.rejection = reject(detail, ErrorCode.UNKNOWN_MODEL, request.pointer("version") + ": model '"
                    + model.id() + "' has no version '" + detail.version() + "' (live version: " + model.version() + ")");
            return;
        }
        if (!served.contains(model.id())) {
            slot.rejection = reject(detail, ErrorCode.UNKNOWN_MODEL, request.pointer("model") + ": model '" + model.id()
                    + "' is not served by this function (it serves " + served + "); check the catalog's routes");
            return;
        }
        slot.spec = model;
        if (detail.input() != null) {
            int size = detail.input().toString().getBytes(StandardCharsets.UTF_8).length;
            if (size > model.limits().maxInlineInputBytes()) {
                slot.rejection = reject(detail, ErrorCode.INPUT_TOO_LARGE, request.pointer("input") + ": " + size
                        + " bytes, over the inline limit of " + model.limits().maxInlineInputBytes()
                        + "; put the input in S3 and send inputRef");
                return;
            }
            slot.input = detail.input();
        }
    }

    private static Rejection reject(InferenceRequested detail, ErrorCode code, String message) {
        return new Rejection(detail.requestId(), detail.model(), code, message);
    }

    private void resolveClaimChecks(List<Slot> slots) {
        List<CompletableFuture<Void>> fetches = new ArrayList<>();
        for (Slot slot : slots) {
            if (slot.rejection != null || slot.spec == null || slot.request.detail().inputRef() == null) {
                continue;
            }
            InferenceRequested detail = slot.request.detail();
            fetches.add(claimChecks.resolve(detail.inputRef(), slot.request.pointer("inputRef"), slot.spec.limits().maxInputBytes())
                    .handle((resolved, error) -> {
                        if (error != null) {
                            slot.retry = true;
                            LOG.warn("claim check of {} failed transiently: {}", detail.requestId(), error.toString());
                        } else if (resolved instanceof ClaimChecks.Resolved.Input in) {
                            slot.input = in.input();
                        } else if (resolved instanceof ClaimChecks.Resolved.Refused refused) {
                            slot.rejection = reject(detail, refused.code(), refused.message());
                        }
                        return null;
                    }));
        }
        CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new)).join();
    }

    private void score(List<Slot> slots) {
        List<Slot> scorable = slots.stream().filter(Slot::scorable).toList();
        List<ScoringRequest> requests = scorable.stream()
                .map(s -> new ScoringRequest(s.spec, s.input, s.request.pointer("input"), s.request)).toList();
        List<Outcome> outcomes = scorer.score(requests);
        for (int i = 0; i < scorable.size(); i++) {
            Slot slot = scorable.get(i);
            switch (outcomes.get(i)) {
                case Outcome.Scored scored -> slot.scored = scored;
                case Outcome.Failed failed -> slot.rejection = reject(slot.request.detail(), failed.code(), failed.message());
                case Outcome.Retry retry -> {
                    slot.retry = true;
                    LOG.warn("{} goes back for a retry: {}", slot.request.detail().requestId(), retry.reason());
                }
                case Outcome.Submitted submitted -> slot.submitted = true;
                case Outcome.Ended ended -> slot.ended = true;
            }
        }
    }

    /**
     * A stream redelivers from its first failed record, so a record behind a retried one of the same key must not
     * be written now: its row would end before the earlier record's.
     */
    private static void holdBackBehindRetries(List<Slot> slots) {
        Set<String> blocked = new java.util.HashSet<>();
        for (Slot slot : slots) {
            String key = slot.record.orderKey();
            if (key == null) {
                continue;
            }
            if (blocked.contains(key)) {
                slot.retry = true;
            } else if (slot.retry) {
                blocked.add(key);
            }
        }
    }

    private void buildRows(List<Slot> slots) {
        long now = clock.millis();
        List<CompletableFuture<Void>> offloads = new ArrayList<>();
        for (Slot slot : slots) {
            InferenceRequested detail = slot.request == null ? null : slot.request.detail();
            String version = slot.spec != null ? slot.spec.version() : detail != null ? detail.version() : null;
            String tier = slot.spec != null ? slot.spec.tier().wireName() : null;
            if (slot.scored == null) {
                slot.row = rows.failed(keyOf(slot), slot.rejection, detail, slot.eventId, slot.requestedAt(), version, tier, now);
                continue;
            }
            String output = codec.toJson(slot.scored.output());
            if (LargeOutputs.tooLarge(output)) {
                offloads.add(largeOutputs.store(detail.requestId(), output).handle((ref, error) -> {
                    if (error != null) {
                        slot.retry = true;
                    } else {
                        slot.row = rows.completed(detail, slot.eventId, slot.requestedAt(), version, tier, null, ref,
                                slot.scored.inferenceMs(), now);
                    }
                    return null;
                }));
            } else {
                slot.row = rows.completed(detail, slot.eventId, slot.requestedAt(), version, tier, slot.scored.output(), null,
                        slot.scored.inferenceMs(), now);
            }
        }
        CompletableFuture.allOf(offloads.toArray(CompletableFuture[]::new)).join();
    }

    /**
     * The row key: the requestId, or for an event without a usable one, its event id, or for a record too broken
     * to have one, the record's own id in its batch (stable across redeliveries of that record).
     */
    private static String keyOf(Slot slot) {
        if (slot.rejection != null && slot.rejection.requestId() != null) {
            return slot.rejection.requestId();
        }
        return "invalid:" + (slot.eventId != null ? slot.eventId : slot.record.id());
    }

    /** Writes rows and publishes what is owed; returns {completed, failed, duplicates}. */
    private int[] writeAndPublish(List<Slot> slots) {
        List<Slot> withRows = slots.stream().filter(s -> s.row != null && !s.retry).toList();
        List<ResultReporter.Fate> fates = reporter.report(withRows.stream().map(s -> s.row).toList(),
                withRows.stream().map(s -> s.record.orderKey()).toList());
        int[] counts = new int[3];
        for (int i = 0; i < withRows.size(); i++) {
            Slot slot = withRows.get(i);
            switch (fates.get(i)) {
                case RETRY -> slot.retry = true;
                case DUPLICATE -> counts[2]++;
                case WRITTEN -> counts[ResultRow.COMPLETED.equals(slot.row.status()) ? 0 : 1]++;
            }
        }
        return counts;
    }

    private void emitMetrics(List<Slot> slots) {
        Map<String, List<Slot>> byModel = new LinkedHashMap<>();
        for (Slot slot : slots) {
            String model = slot.spec != null ? slot.spec.id() : "unrouted";
            byModel.computeIfAbsent(model, k -> new ArrayList<>()).add(slot);
        }
        byModel.forEach((model, group) -> {
            Map<ErrorCode, Integer> failures = new EnumMap<>(ErrorCode.class);
            int completed = 0;
            double inference = 0;
            double endToEnd = -1;
            for (Slot s : group) {
                if (s.scored != null && !s.retry) {
                    completed++;
                    inference = Math.max(inference, s.scored.inferenceMs());
                } else if (s.rejection != null) {
                    failures.merge(s.rejection.code(), 1, Integer::sum);
                }
                if (s.row != null && s.row.endToEndMs() != null) {
                    endToEnd = Math.max(endToEnd, s.row.endToEndMs());
                }
            }
            metrics.emit(new BatchMetrics.ModelBatch(model, group.size(), completed, failures, inference, endToEnd));
        });
    }
}
