package dev.inferbus.local.iam.gateway;

import dev.inferbus.local.iam.AccessRequest;
import dev.inferbus.local.iam.Decision;
import dev.inferbus.local.iam.gateway.sigv4.Refusal;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every decision the gateways made: per principal ARN, per (action, resource), how often it was allowed and denied;
 * the denials' messages (the first {@value #KEPT_DENIALS} distinct ones, each with its count); and the requests
 * refused before any decision, by reason. Thread-safe; one log may serve all the gateways of a local cloud. It feeds
 * the report printed at exit and shows what each role really used.
 */
public final class AccessLog {

    public static final int KEPT_DENIALS = 200;

    /** An action on a resource. */
    public record Grant(String action, String resource) {
    }

    public record Counts(long allowed, long denied) {
    }

    private record Tally(LongAdder allowed, LongAdder denied) {
        Tally() {
            this(new LongAdder(), new LongAdder());
        }

        Counts counts() {
            return new Counts(allowed.sum(), denied.sum());
        }
    }

    private final Map<String, Map<Grant, Tally>> decisions = new ConcurrentHashMap<>();
    private final Map<String, Long> denials = new LinkedHashMap<>();
    private long unkeptDenials;
    private final Map<Refusal, LongAdder> refusals = new ConcurrentHashMap<>();

    public void record(AccessRequest request, Decision decision) {
        Tally tally = decisions.computeIfAbsent(request.principal().arn(), arn -> new ConcurrentHashMap<>())
                .computeIfAbsent(new Grant(request.action(), request.resource()), grant -> new Tally());
        if (decision.allowed()) {
            tally.allowed().increment();
            return;
        }
        tally.denied().increment();
        String message = decision.message(request);
        synchronized (denials) {
            if (denials.containsKey(message) || denials.size() < KEPT_DENIALS) {
                denials.merge(message, 1L, Long::sum);
            } else {
                unkeptDenials++;
            }
        }
    }

    /** A request refused before it was authorized: not signed, signed badly, or by a key nobody issued. */
    public void refused(Refusal refusal) {
        refusals.computeIfAbsent(refusal, r -> new LongAdder()).increment();
    }

    /** The decisions so far: principal ARN → (action, resource) → counts, sorted. */
    public Map<String, Map<Grant, Counts>> decisions() {
        Map<String, Map<Grant, Counts>> snapshot = new TreeMap<>();
        decisions.forEach((principal, grants) -> {
            Map<Grant, Counts> counts = new TreeMap<>(Comparator.comparing(Grant::action).thenComparing(Grant::resource));
            grants.forEach((grant, tally) -> counts.put(grant, tally.counts()));
            snapshot.put(principal, counts);
        });
        return snapshot;
    }

    /** The kept denial messages, in the order they first happened, with how often each happened. */
    public Map<String, Long> denials() {
        synchronized (denials) {
            return new LinkedHashMap<>(denials);
        }
    }

    /** The requests refused before authorization, by reason. */
    public Map<Refusal, Long> refusals() {
        Map<Refusal, Long> snapshot = new EnumMap<>(Refusal.class);
        refusals.forEach((refusal, count) -> snapshot.put(refusal, count.sum()));
        return snapshot;
    }

    /** A plain-text report: each principal's grants with their counts, then the refusals and the denials. */
    public String report() {
        StringBuilder report = new StringBuilder("IAM access log\n");
        decisions().forEach((principal, grants) -> {
            report.append("  ").append(principal).append('\n');
            grants.forEach((grant, counts) -> report.append(String.format("    %-40s %s  allowed %d, denied %d%n",
                    grant.action(), grant.resource(), counts.allowed(), counts.denied())));
        });
        Map<Refusal, Long> refused = refusals();
        if (!refused.isEmpty()) {
            report.append("  refused before authorization: ").append(refused).append('\n');
        }
        Map<String, Long> kept;
        long unkept;
        synchronized (denials) {
            kept = new LinkedHashMap<>(denials);
            unkept = unkeptDenials;
        }
        if (!kept.isEmpty()) {
            report.append("  denials:\n");
            kept.forEach((message, count) -> report.append("    ").append(count).append("x ").append(message).append('\n'));
            if (unkept > 0) {
                report.append("    and ").append(unkept).append(" more, of other messages\n");
            }
        }
        return report.toString();
    }
}
