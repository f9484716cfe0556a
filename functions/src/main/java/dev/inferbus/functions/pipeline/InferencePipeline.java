package dev.inferbus.functions.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.inferbus.events.cache.CacheTable;
import dev.inferbus.events.cache.ResultCache;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.compare.Agreement;
import dev.inferbus.events.contract.Decoded;
import dev.inferbus.events.contract.DetailType;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.events.contract.InferenceRequested;
import dev.inferbus.events.contract.Rejection;
import dev.inferbus.events.replay.Rescore;
import dev.inferbus.events.results.ResultRow;
import dev.inferbus.events.results.ResultRows;
import dev.inferbus.events.results.RowOrigin;
import dev.inferbus.events.results.ShadowResult;
import dev.inferbus.events.results.Status;
import dev.inferbus.events.timing.TimeBudgets;
import dev.inferbus.functions.batch.Outcome;
import dev.inferbus.functions.batch.Scorer;
import dev.inferbus.functions.batch.ScoringRequest;
import dev.inferbus.functions.budget.Deadline;
import dev.inferbus.functions.claimcheck.ClaimChecks;
import dev.inferbus.functions.drift.DriftMonitor;
import dev.inferbus.functions.metrics.BatchMetrics;
import dev.inferbus.functions.publish.EventPublisher;
import dev.inferbus.functions.results.LargeOutputs;
import dev.inferbus.functions.results.ResultReporter;
import dev.inferbus.functions.tracing.InvocationTrace;
import dev.inferbus.functions.tracing.RequestSpan;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * What every handler runs, once per invocation: decode and check every record, resolve claim checks in parallel,
 * score the valid ones in tensor batches, write one result row each (in parallel, conditionally), publish the
 * events of new rows, and say which records must be retried.
 *
 * <p>Each record's work is its own unit: whatever goes wrong with one record — a permanent problem (a bad event,
 * an unknown model, a bad input) or an exception nobody foresaw — becomes that record's FAILED row, and a
 * transient one (S3, DynamoDB or EventBridge throttling, 5xx, timeouts, too little time left) sends that record
 * alone back for a retry; a row already written is then found on redelivery and only its unpublished event is
 * sent. No record fails its batch.
 */
public final class InferencePipeline {

    private static final Logger LOG = LoggerFactory.getLogger(InferencePipeline.class);

    /** The message of the line that ends every invocation, with its counts as fields. */
    public static final String BATCH_DONE = "batch done";

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

    /** How a record of this invocation ended. */
    public enum Fate {
        /** A COMPLETED row written by this invocation. */
        COMPLETED,
        /** A FAILED row written by this invocation. */
        FAILED,
        /** The request had ended before (a redelivery): nothing new was written. */
        DUPLICATE,
        /** Another request holds the requestId: refused with an event, the table untouched. */
        CONFLICT,
        /** Handed to an asynchronous endpoint (its row is PENDING). */
        SUBMITTED,
        /** Goes back to its source. */
        RETRY,
        /** A replayed request of a model other than the one its replay re-scores: nothing to do. */
        SKIPPED
    }

    /**
     * @param retry the ids of the records to hand back for a retry
     * @param fates how many records ended each way
     */
    public record Report(List<String> retry, Map<Fate, Integer> fates) {

        public Report {
            retry = List.copyOf(retry);
            fates = Map.copyOf(fates);
        }

        public int count(Fate fate) {
            return fates.getOrDefault(fate, 0);
        }
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
    /** The models' result cache; null where none is configured. */
    private final ResultCache cache;
    private final DriftMonitor drift;

    /** @param scorer the cpu tier's micro-batcher, or the gpu tier's endpoint forwarder */
    public InferencePipeline(ModelCatalog catalog, Set<String> served, EventCodec codec, Scorer scorer,
                             ClaimChecks claimChecks, ResultReporter reporter, LargeOutputs largeOutputs,
                             BatchMetrics metrics, Clock clock) {
        this(catalog, served, codec, scorer, claimChecks, reporter, largeOutputs, metrics, clock, null, DriftMonitor.NONE);
    }

    private InferencePipeline(ModelCatalog catalog, Set<String> served, EventCodec codec, Scorer scorer,
                              ClaimChecks claimChecks, ResultReporter reporter, LargeOutputs largeOutputs,
                              BatchMetrics metrics, Clock clock, ResultCache cache, DriftMonitor drift) {
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
        this.cache = cache;
        this.drift = drift;
    }

    /** This pipeline with the result cache of the models whose catalog entry has one; null for none. */
    public InferencePipeline withCache(ResultCache resultCache) {
        return new InferencePipeline(catalog, served, codec, scorer, claimChecks, reporter, largeOutputs, metrics, clock,
                resultCache, drift);
    }

    /** This pipeline watching the inputs and outputs of the requests each invocation completes. */
    public InferencePipeline withDrift(DriftMonitor monitor) {
        return new InferencePipeline(catalog, served, codec, scorer, claimChecks, reporter, largeOutputs, metrics, clock,
                cache, monitor);
    }

    /** One record's way through the pipeline. */
    private static final class Slot {
        final Record record;
        Decoded.Request request;
        /** The version chosen for the request, once its model is known. */
        String version;
        ModelSpec spec;
        JsonNode input;
        Rejection rejection;
        String eventId;
        String fingerprint;
        Outcome.Scored scored;
        /** What the model's shadow version made of the input, when it has one and this request is shadowed. */
        ShadowResult shadow;
        /** The request's result cache key, where its model caches and it is no replay; else null. */
        String cacheKey;
        /** Whether {@link #scored} is the result cache's, or the output of the same cache key earlier in the batch. */
        boolean cached;
        /** The first request of this batch with the same cache key, which the model scores for both; else null. */
        Slot sameInputAs;
        ResultRow row;
        /** Null while the record is still on its way. */
        Fate fate;
        RequestSpan trace;

        Slot(Record record) {
            this.record = record;
        }

        boolean open() {
            return fate == null;
        }

        boolean scorable() {
            return open() && rejection == null && spec != null && input != null && scored == null && sameInputAs == null;
        }

        void retry(String reason) {
            if (fate != Fate.RETRY) {
                about(LOG.atWarn(), this).log("record goes back for a retry: {}", reason);
            }
            fate = Fate.RETRY;
        }

        String requestId() {
            return request != null ? request.detail().requestId() : rejection != null ? rejection.requestId() : null;
        }

        RowOrigin origin() {
            InferenceRequested detail = request == null ? null : trace.carry(request.detail());
            String version = spec != null ? spec.version() : this.version != null ? this.version
                    : detail != null ? detail.version() : null;
            Long requestedAt = request != null && request.eventTime() != null ? request.eventTime().toEpochMilli() : null;
            return new RowOrigin(detail, fingerprint, eventId, requestedAt, version, spec != null ? spec.tier().wireName() : null,
                    replayName());
        }

        String replayName() {
            return request == null ? null : request.replayName();
        }
    }

    /**
     * A line about one record: its record id and, once known, its requestId and trace id as fields of the line (they
     * reach the JSON log as fields of their own); never its input or output.
     */
    private static LoggingEventBuilder about(LoggingEventBuilder line, Slot slot) {
        LoggingEventBuilder about = line.addKeyValue("recordId", slot.record.id());
        String requestId = slot.requestId();
        if (requestId != null) {
            about = about.addKeyValue("requestId", requestId);
        }
        String traceId = slot.trace == null ? null : slot.trace.traceId();
        return traceId == null ? about : about.addKeyValue("traceId", traceId);
    }

    /** Processes with no deadline (outside Lambda). */
    public Report process(List<Record> records) {
        return process(records, Deadline.none());
    }

    /** @param deadline when the invocation must be done: work it cannot wait for is not started */
    public Report process(List<Record> records, Deadline deadline) {
        long start = System.nanoTime();
        List<Slot> slots = records.stream().map(Slot::new).toList();
        InvocationTrace trace = InvocationTrace.current();
        slots.forEach(slot -> {
            Instant decodeStart = Instant.now();
            guarded(slot, () -> decodeAndCheck(slot));
            slot.trace = trace.request(slot.record.id(), slot.request, decodeStart);
        });
        resolveClaimChecks(slots);
        reuseCached(slots);
        score(slots, deadline);
        shareWithRepeats(slots);
        scoreShadows(slots, deadline);
        cacheScored(slots);
        List<Slot> toWrite = slots.stream().filter(Slot::open).toList();
        buildRows(toWrite);
        holdBackBehindRetries(slots);
        writeAndPublish(toWrite);
        announceConflicts(slots);
        slots.forEach(s -> s.trace.end(s.fate));
        Map<Fate, Integer> fates = new EnumMap<>(Fate.class);
        slots.forEach(s -> fates.merge(s.fate, 1, Integer::sum));
        List<String> retry = slots.stream().filter(s -> s.fate == Fate.RETRY).map(s -> s.record.id()).toList();
        emitMetrics(slots);
        // the counts as fields of the line (JSON in Lambda), so that Logs Insights can sum them
        LOG.atInfo().addKeyValue("records", records.size()).addKeyValue("completed", fates.getOrDefault(Fate.COMPLETED, 0))
                .addKeyValue("failed", fates.getOrDefault(Fate.FAILED, 0)).addKeyValue("duplicates", fates.getOrDefault(Fate.DUPLICATE, 0))
                .addKeyValue("conflicts", fates.getOrDefault(Fate.CONFLICT, 0)).addKeyValue("submitted", fates.getOrDefault(Fate.SUBMITTED, 0))
                .addKeyValue("retry", retry.size()).addKeyValue("ms", (System.nanoTime() - start) / 1_000_000).log(BATCH_DONE);
        return new Report(retry, fates);
    }

    /**
     * The compute path alone — decode, check, score, build the rows and their event JSON — with no call to S3,
     * DynamoDB or EventBridge: what the benchmarks set against raw ONNX Runtime. Records that would need I/O
     * (a claim check) are refused. Only the serving versions score: a shadow's extra work is not the serving path's.
     */
    public List<ResultRow> computeRows(List<Record> records) {
        List<Slot> slots = records.stream().map(Slot::new).toList();
        slots.forEach(slot -> {
            guarded(slot, () -> decodeAndCheck(slot));
            slot.trace = InvocationTrace.current().request(slot.record.id(), slot.request, Instant.now());
        });
        if (slots.stream().anyMatch(s -> s.request != null && s.request.detail().inputRef() != null)) {
            throw new IllegalArgumentException("computeRows does no I/O; a claim check needs process()");
        }
        score(slots, Deadline.none());
        buildRows(slots);
        return slots.stream().map(s -> s.row).toList();
    }

    /**
     * Runs one record's step; an exception nobody foresaw becomes the record's FAILED row rather than its batch's
     * failure. The message names the step's failure by type only: an exception's text may quote the input.
     */
    private static void guarded(Slot slot, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            about(LOG.atError(), slot).log("record failed unexpectedly: {} at {}", e.getClass().getName(),
                    e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?");
            String model = slot.spec != null ? slot.spec.id() : slot.request != null ? slot.request.detail().model() : null;
            slot.rejection = new Rejection(slot.requestId(), model, slot.spec == null ? ErrorCode.INVALID_EVENT : ErrorCode.MODEL_ERROR,
                    (slot.request != null && !slot.request.detailPointer().isEmpty() ? slot.request.detailPointer() : "/")
                            + ": this record could not be processed ("
                            + e.getClass().getSimpleName() + "); it is not retried");
            slot.scored = null;
        }
    }

    private void decodeAndCheck(Slot slot) {
        Decoded decoded = codec.decode(slot.record.body());
        switch (decoded) {
            case Decoded.Invalid invalid -> {
                slot.rejection = invalid.rejection();
                slot.eventId = invalid.eventId();
                slot.fingerprint = invalid.fingerprint();
            }
            case Decoded.Request request -> {
                slot.request = request;
                slot.eventId = request.eventId();
                slot.fingerprint = request.fingerprint();
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
        ModelSpec entry = spec.get();
        Optional<Rescore> rescore = Rescore.parse(request.replayName());
        if (rescore.isPresent() && !rescore.get().model().equals(entry.id())) {
            // a replay reaches every model on its rule's route; it re-scores one of them
            slot.fate = Fate.SKIPPED;
            return;
        }
        slot.version = rescore.map(Rescore::version).orElseGet(() -> chooseVersion(entry, detail));
        Optional<ModelSpec> version = entry.forVersion(slot.version);
        if (version.isEmpty()) {
            String field = rescore.isPresent() ? "/replay-name" : request.pointer("version");
            slot.rejection = reject(detail, ErrorCode.UNKNOWN_MODEL, field + ": model '" + entry.id() + "' has no version '"
                    + slot.version + "' (versions: " + entry.versionNames() + ", live: " + entry.version() + ")");
            return;
        }
        ModelSpec model = version.get();
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

    /**
     * A request's explicit version pins it; otherwise its sticky key (the partition key, else the requestId) picks
     * one by the rollout's weights, so a key always meets the same version.
     */
    private static String chooseVersion(ModelSpec model, InferenceRequested detail) {
        if (detail.version() != null) {
            return detail.version();
        }
        return model.rollout().choose(stickyKey(detail));
    }

    private static String stickyKey(InferenceRequested detail) {
        return detail.partitionKey() != null ? detail.partitionKey() : detail.requestId();
    }

    private static Rejection reject(InferenceRequested detail, ErrorCode code, String message) {
        return new Rejection(detail.requestId(), detail.model(), code, message);
    }

    private void resolveClaimChecks(List<Slot> slots) {
        List<CompletableFuture<Void>> fetches = new ArrayList<>();
        for (Slot slot : slots) {
            if (!slot.open() || slot.rejection != null || slot.spec == null || slot.request.detail().inputRef() == null) {
                continue;
            }
            InferenceRequested detail = slot.request.detail();
            Span stage = slot.trace.stage("claim check");
            CompletableFuture<ClaimChecks.Resolved> resolving;
            try (Scope calling = stage.makeCurrent()) {
                resolving = claimChecks.resolve(detail.inputRef(), slot.request.pointer("inputRef"), slot.spec.limits().maxInputBytes());
            }
            fetches.add(resolving
                    .handle((resolved, error) -> {
                        stage.end();
                        if (error != null) {
                            slot.retry("its claim check failed transiently: " + error.getClass().getSimpleName());
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

    /**
     * Takes from the result cache the outputs of the requests it holds: those are not scored. A replay is not
     * looked up — it re-scores on purpose, to compare a version's answers with what was served. A repeat of a
     * miss within the batch waits for the first request's outcome ({@link #shareWithRepeats}) instead of meeting
     * the model again.
     */
    private void reuseCached(List<Slot> slots) {
        if (cache == null) {
            return;
        }
        List<Slot> cacheable = slots.stream()
                .filter(s -> s.scorable() && s.spec.cache() != null && s.replayName() == null).toList();
        if (cacheable.isEmpty()) {
            return;
        }
        cacheable.forEach(s -> guarded(s, () -> s.cacheKey = CacheTable.key(s.spec.id(), s.spec.version(), s.input)));
        Map<String, String> hits = cache.lookup(cacheable.stream().map(s -> s.cacheKey).filter(k -> k != null).toList(),
                clock.millis()).join();
        int reused = 0;
        int repeats = 0;
        Map<String, Slot> firstMisses = new HashMap<>();
        for (Slot slot : cacheable) {
            String output = slot.cacheKey == null ? null : hits.get(slot.cacheKey);
            if (output == null) {
                if (slot.cacheKey != null) {
                    // the batch is looked up before any of it is scored: a repeat of a miss would miss too. Grouped
                    // by where the input sits as well, so that a refusal copied to a repeat names the repeat's field
                    slot.sameInputAs = firstMisses.putIfAbsent(slot.request.detailPointer() + " " + slot.cacheKey, slot);
                    repeats += slot.sameInputAs == null ? 0 : 1;
                }
                continue;
            }
            try {
                slot.scored = new Outcome.Scored(codec.mapper().readTree(output), 0);
                slot.cached = true;
                reused++;
            } catch (JsonProcessingException e) {
                about(LOG.atWarn(), slot).log("its cached output is not JSON; it is scored");
            }
        }
        LOG.atInfo().addKeyValue("lookups", cacheable.size()).addKeyValue("hits", reused)
                .addKeyValue("repeatsInBatch", repeats).log("result cache looked up");
    }

    /** Keeps the outputs this invocation computed for cacheable requests; one too large to store inline is not kept. */
    private void cacheScored(List<Slot> slots) {
        if (cache == null) {
            return;
        }
        List<ResultCache.Entry> entries = new ArrayList<>();
        for (Slot slot : slots) {
            if (slot.cacheKey == null || slot.cached || slot.scored == null || !slot.open()) {
                continue;
            }
            String output = codec.toJson(slot.scored.output());
            if (!LargeOutputs.tooLarge(output)) {
                entries.add(new ResultCache.Entry(slot.cacheKey, slot.spec.id(), slot.spec.version(), output,
                        slot.spec.cache().ttl()));
            }
        }
        if (!entries.isEmpty()) {
            // joined here: Lambda may freeze the environment once the handler returns, and a store left running
            // would then land (or time out) in some later invocation
            cache.store(entries, clock.millis()).join();
        }
    }

    private void score(List<Slot> slots, Deadline deadline) {
        List<Slot> scorable = slots.stream().filter(Slot::scorable).toList();
        if (scorable.isEmpty()) {
            return;
        }
        if (!deadline.leaves(TimeBudgets.REPORT_RESERVE)) {
            scorable.forEach(s -> s.retry("too little time left to score and report it (" + deadline.remaining().toMillis() + " ms)"));
            return;
        }
        List<ScoringRequest> requests = scorable.stream()
                .map(s -> new ScoringRequest(s.spec, s.input, s.request.pointer("input"), s.request)).toList();
        List<Outcome> outcomes;
        try {
            outcomes = scorer.score(requests, deadline);
        } catch (RuntimeException e) {
            // the scorer guards each request; reaching here is a fault of the whole call, which a retry may not have
            LOG.error("scoring failed as a whole: {} at {}", e.getClass().getName(), e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?");
            scorable.forEach(s -> s.retry("scoring failed as a whole"));
            return;
        }
        for (int i = 0; i < scorable.size(); i++) {
            Slot slot = scorable.get(i);
            switch (outcomes.get(i)) {
                case Outcome.Scored scored -> slot.scored = scored;
                case Outcome.Failed failed -> slot.rejection = reject(slot.request.detail(), failed.code(), failed.message());
                case Outcome.Retry retry -> slot.retry(retry.reason());
                case Outcome.Submitted submitted -> slot.fate = Fate.SUBMITTED;
                case Outcome.Ended ended -> slot.fate = Fate.DUPLICATE;
                case Outcome.Conflict conflict -> slot.fate = Fate.CONFLICT;
            }
        }
    }

    /**
     * Gives each repeat of a cache key within the batch what the model made of its first request: the same output
     * (a cached answer, as the next batch would get from the table), the same refusal, or the same retry.
     */
    private static void shareWithRepeats(List<Slot> slots) {
        for (Slot slot : slots) {
            Slot first = slot.sameInputAs;
            if (first == null || !slot.open()) {
                continue;
            }
            if (first.scored != null) {
                slot.scored = new Outcome.Scored(first.scored.output(), 0);
                slot.cached = true;
            } else if (first.rejection != null) {
                slot.rejection = reject(slot.request.detail(), first.rejection.code(), first.rejection.message());
            } else {
                slot.retry("the same input earlier in the batch was not scored");
            }
        }
    }

    /**
     * Scores the shadow version of each model that has one on the inputs its live versions just scored, batched
     * like them, after them: the live outcomes are settled before the shadow runs, and whatever the shadow does —
     * fail an input, throw, run out of time — only fills the slot's {@link ShadowResult}. A replay re-scores one
     * version on purpose and is not shadowed; nor is a request pinned to the shadow version itself, nor one the
     * result cache answered, nor one whose sticky key falls outside the rollout's {@code shadowPercent}.
     */
    private void scoreShadows(List<Slot> slots, Deadline deadline) {
        List<Shadowed> shadowed = new ArrayList<>();
        for (Slot slot : slots) {
            // a cached output's input met the shadow when it was first scored: the same input tells it nothing new
            if (slot.open() && slot.scored != null && !slot.cached && slot.replayName() == null
                    && slot.spec.rollout().shadows(stickyKey(slot.request.detail()))) {
                shadowOf(slot.spec).ifPresent(shadow -> shadowed.add(new Shadowed(slot, shadow)));
            }
        }
        if (shadowed.isEmpty()) {
            return;
        }
        if (!deadline.leaves(TimeBudgets.REPORT_RESERVE.multipliedBy(2))) {
            // the live results must still be reported: the shadow is what gives way
            shadowed.forEach(s -> s.fail(ErrorCode.MODEL_ERROR, "not scored: too little time left in the invocation"));
            return;
        }
        List<Outcome> outcomes;
        try {
            // the micro-batcher groups by spec: each shadow version's inputs share tensor calls as the live ones did
            outcomes = scorer.score(shadowed.stream().map(s -> new ScoringRequest(s.shadow(), s.slot().input,
                    s.slot().request.pointer("input"), s.slot().request)).toList(), deadline);
        } catch (RuntimeException e) {
            LOG.error("shadow scoring failed as a whole: {}", e.getClass().getName());
            shadowed.forEach(s -> s.fail(ErrorCode.MODEL_ERROR, "the shadow's scoring failed as a whole ("
                    + e.getClass().getSimpleName() + ")"));
            return;
        }
        for (int i = 0; i < shadowed.size(); i++) {
            Shadowed one = shadowed.get(i);
            one.slot().shadow = shadowResult(one.slot(), one.shadow(), outcomes.get(i));
        }
    }

    /** A live-scored slot and the shadow version that scores its input too. */
    private record Shadowed(Slot slot, ModelSpec shadow) {
        void fail(ErrorCode code, String message) {
            slot.shadow = ShadowResult.failed(shadow.version(), code, message);
        }
    }

    /** The shadow version of a served spec's model, when it has one the spec is not itself. */
    private static Optional<ModelSpec> shadowOf(ModelSpec served) {
        String shadow = served.rollout().shadow();
        if (shadow == null || shadow.equals(served.version())) {
            return Optional.empty();
        }
        return served.forVersion(shadow);
    }

    private ShadowResult shadowResult(Slot slot, ModelSpec shadow, Outcome outcome) {
        return switch (outcome) {
            case Outcome.Scored scored -> {
                try {
                    Agreement agreement = Agreement.of(shadow.task(), slot.scored.output(), scored.output());
                    String output = codec.toJson(scored.output());
                    // the live row must fit DynamoDB's item limit whatever the shadow wrote: an oversized shadow
                    // output is measured, not kept
                    yield ShadowResult.scored(shadow.version(), LargeOutputs.tooLarge(output) ? null : output, agreement);
                } catch (IllegalArgumentException e) {
                    yield ShadowResult.failed(shadow.version(), ErrorCode.MODEL_ERROR,
                            "the shadow's output does not compare with the live one: " + e.getMessage());
                }
            }
            case Outcome.Failed failed -> ShadowResult.failed(shadow.version(), failed.code(), failed.message());
            case Outcome.Retry retry -> ShadowResult.failed(shadow.version(), ErrorCode.MODEL_ERROR,
                    "not scored: " + retry.reason());
            default -> ShadowResult.failed(shadow.version(), ErrorCode.MODEL_ERROR,
                    "not scored: unexpected outcome " + outcome.getClass().getSimpleName());
        };
    }

    /**
     * A stream redelivers from its first failed record, so a record behind a retried one of the same key must not
     * be written now: its row would end before the earlier record's.
     */
    private static void holdBackBehindRetries(List<Slot> slots) {
        Set<String> blocked = new HashSet<>();
        for (Slot slot : slots) {
            String key = slot.record.orderKey();
            if (key == null) {
                continue;
            }
            if (blocked.contains(key)) {
                slot.retry("an earlier record of its partition key goes back");
            } else if (slot.fate == Fate.RETRY) {
                blocked.add(key);
            }
        }
    }

    private void buildRows(List<Slot> slots) {
        long now = clock.millis();
        List<CompletableFuture<Void>> offloads = new ArrayList<>();
        for (Slot slot : slots) {
            guarded(slot, () -> buildRow(slot, now, offloads));
            if (slot.row == null && slot.rejection != null && slot.open()) {
                failedRowOrRetry(slot, now);
            }
        }
        CompletableFuture.allOf(offloads.toArray(CompletableFuture[]::new)).join();
    }

    private void buildRow(Slot slot, long now, List<CompletableFuture<Void>> offloads) {
        if (slot.scored == null) {
            slot.row = rows.failed(keyOf(slot), slot.rejection, slot.origin(), now);
            return;
        }
        RowOrigin origin = slot.origin();
        String output = codec.toJson(slot.scored.output());
        if (!LargeOutputs.tooLarge(output)) {
            slot.row = rows.completed(origin, slot.scored.output(), null, slot.scored.inferenceMs(), now, slot.cached)
                    .withShadow(slot.shadow);
            return;
        }
        offloads.add(largeOutputs.store(origin.detail().requestId(), output).handle((ref, error) -> {
            if (error != null) {
                slot.retry("its large output could not be stored: " + error.getClass().getSimpleName());
            } else {
                slot.row = rows.completed(origin, null, ref, slot.scored.inferenceMs(), now, slot.cached).withShadow(slot.shadow);
            }
            return null;
        }));
    }

    /** The FAILED row of a record whose own row could not be built; without the event's time, which may be the cause. */
    private void failedRowOrRetry(Slot slot, long now) {
        try {
            RowOrigin origin = slot.origin();
            slot.row = rows.failed(keyOf(slot), slot.rejection, origin, now);
        } catch (RuntimeException e) {
            try {
                InferenceRequested detail = slot.request == null ? null : slot.trace.carry(slot.request.detail());
                slot.row = rows.failed(keyOf(slot), slot.rejection, new RowOrigin(detail, slot.fingerprint, slot.eventId, null,
                        slot.version != null ? slot.version : detail == null ? null : detail.version(), null,
                        slot.replayName()), now);
            } catch (RuntimeException again) {
                slot.retry("no row could be built for it: " + again.getClass().getSimpleName());
            }
        }
    }

    /**
     * The row key: the requestId, or for an event without a usable one, its event id, or for a record too broken
     * to have one, the record's own id in its batch (stable across redeliveries of that record).
     */
    private static String keyOf(Slot slot) {
        if (slot.requestId() != null) {
            return slot.requestId();
        }
        return "invalid:" + (slot.eventId != null ? slot.eventId : slot.record.id());
    }

    /** Writes rows and publishes what is owed. */
    private void writeAndPublish(List<Slot> slots) {
        List<Slot> withRows = slots.stream().filter(s -> s.row != null && s.open()).toList();
        if (withRows.isEmpty()) {
            return;
        }
        List<ResultReporter.Fate> fates;
        try {
            fates = reporter.report(withRows.stream().map(s -> s.row).toList(),
                    withRows.stream().map(s -> s.record.orderKey()).toList());
        } catch (RuntimeException e) {
            LOG.error("reporting failed as a whole: {}", e.getClass().getName());
            withRows.forEach(s -> s.retry("its row could not be reported"));
            return;
        }
        for (int i = 0; i < withRows.size(); i++) {
            Slot slot = withRows.get(i);
            switch (fates.get(i)) {
                case RETRY -> slot.retry("its row could not be written or announced");
                case DUPLICATE -> slot.fate = Fate.DUPLICATE;
                case CONFLICT -> slot.fate = Fate.CONFLICT;
                case WRITTEN -> slot.fate = slot.row.status() == Status.COMPLETED ? Fate.COMPLETED : Fate.FAILED;
            }
        }
    }

    /** Answers each request refused for its requestId with an {@code InferenceFailed}; it has no row to carry it. */
    private void announceConflicts(List<Slot> slots) {
        List<Slot> conflicts = slots.stream().filter(s -> s.fate == Fate.CONFLICT).toList();
        if (conflicts.isEmpty()) {
            return;
        }
        boolean[] accepted;
        try {
            accepted = reporter.announce(conflicts.stream()
                    .map(s -> new EventPublisher.Entry(DetailType.FAILED, rows.conflictEvent(s.origin()))).toList());
        } catch (RuntimeException e) {
            accepted = new boolean[conflicts.size()];
        }
        for (int i = 0; i < conflicts.size(); i++) {
            if (!accepted[i]) {
                conflicts.get(i).retry("its conflict could not be announced");
            }
        }
    }

    /** One batch of metrics per (model, version): a canary's error rate must not be blended with the live one's. */
    private record MetricsKey(String model, String version) {
    }

    private void emitMetrics(List<Slot> slots) {
        Map<MetricsKey, List<Slot>> byVersion = new LinkedHashMap<>();
        for (Slot slot : slots) {
            MetricsKey key = slot.spec != null ? new MetricsKey(slot.spec.id(), slot.spec.version())
                    : new MetricsKey("unrouted", null);
            byVersion.computeIfAbsent(key, k -> new ArrayList<>()).add(slot);
        }
        byVersion.forEach((key, group) -> {
            Map<ErrorCode, Integer> failures = new EnumMap<>(ErrorCode.class);
            int completed = 0;
            double inference = 0;
            double endToEnd = -1;
            for (Slot s : group) {
                if (s.fate == Fate.COMPLETED) {
                    completed++;
                    inference = Math.max(inference, s.scored.inferenceMs());
                } else if (s.fate == Fate.FAILED) {
                    failures.merge(s.rejection.code(), 1, Integer::sum);
                } else if (s.fate == Fate.CONFLICT) {
                    failures.merge(ErrorCode.REQUEST_ID_CONFLICT, 1, Integer::sum);
                }
                if (s.row != null && s.row.endToEndMs() != null) {
                    endToEnd = Math.max(endToEnd, s.row.endToEndMs());
                }
            }
            metrics.emit(new BatchMetrics.ModelBatch(key.model(), key.version(), group.size(), completed, failures, inference, endToEnd));
        });
        emitShadowMetrics(slots);
        emitDriftMetrics(slots);
    }

    /** Drift per (model, version) over the rows this invocation completed: a redelivered duplicate counts once. */
    private void emitDriftMetrics(List<Slot> slots) {
        Map<ModelSpec, List<Slot>> bySpec = new LinkedHashMap<>();
        for (Slot slot : slots) {
            if (slot.fate == Fate.COMPLETED) {
                bySpec.computeIfAbsent(slot.spec, k -> new ArrayList<>()).add(slot);
            }
        }
        bySpec.forEach((spec, group) -> {
            try {
                drift.observe(spec, group.stream().map(s -> s.input).toList(), group.stream().map(s -> s.scored.output()).toList())
                        .ifPresent(metrics::emit);
            } catch (RuntimeException e) {
                // the rows are written and announced: watching them must not send the records back
                LOG.warn("drift of {} version {} not observed: {}", spec.id(), spec.version(), e.getClass().getName());
            }
        });
    }

    private record ShadowPair(ModelSpec live, String shadowVersion) {
    }

    /** One document per (model, live version, shadow version), over the rows this invocation wrote. */
    private void emitShadowMetrics(List<Slot> slots) {
        Map<ShadowPair, List<ShadowResult>> byPair = new LinkedHashMap<>();
        for (Slot slot : slots) {
            if (slot.fate == Fate.COMPLETED && slot.row.shadow() != null) {
                byPair.computeIfAbsent(new ShadowPair(slot.spec, slot.row.shadow().version()), k -> new ArrayList<>())
                        .add(slot.row.shadow());
            }
        }
        byPair.forEach((pair, results) -> metrics.emit(new BatchMetrics.ShadowBatch(pair.live().id(), pair.live().task(),
                pair.live().version(), pair.shadowVersion(), (int) results.stream().filter(ShadowResult::isFailed).count(),
                (int) results.stream().filter(r -> !r.isFailed() && r.agreement().disagrees()).count(),
                results.stream().filter(r -> !r.isFailed()).map(r -> r.agreement().measure()).toList())));
    }
}
