package dev.inferbus.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./inferbus bench p3prime p4prime p6 [--quick] [--record]}: issue 17's P3', P4' and P6 from one run of one
 * local cloud, as a markdown section; {@code --record} puts it into BENCHMARKS.md between its markers, replacing the
 * previous one and keeping every other section.
 */
final class HonestReport {

    static final String BEGIN = "<!-- p3prime-p4prime-p6:begin -->";
    static final String END = "<!-- p3prime-p4prime-p6:end -->";
    static final double COLD_TARGET_MS = 2500;
    static final double FIRST_OVER_WARM_TARGET = 1.5;

    private HonestReport() {
    }

    static String run(boolean p3, boolean p4, boolean p6, boolean quick) throws Exception {
        int[] rates = quick ? new int[] {RouteBench.COST_RATE} : new int[] {50, RouteBench.COST_RATE, 200};
        Duration each = Duration.ofSeconds(quick ? 5 : 30);
        StringBuilder md = new StringBuilder(BEGIN + "\n## Issue 17: P3', P4' per route and P6, functions as processes of the zip ("
                + java.time.LocalDate.now() + ")\n\nCommand: `./inferbus bench" + (p3 ? " p3prime" : "") + (p4 ? " p4prime" : "")
                + (p6 ? " p6" : "") + (quick ? " --quick" : "") + "`; " + Runtime.getRuntime().availableProcessors()
                + " cores, JDK " + System.getProperty("java.version") + ". One local cloud for every row below.\n");
        try (RouteBench bench = RouteBench.start()) {
            if (p3) {
                cold(md, bench.coldStarts(quick ? 1 : 3, quick ? 5 : 20));
            }
            if (p4 || p6) {
                Map<String, RouteUsage> usage = new LinkedHashMap<>();
                // P6 alone needs only the run it prices
                List<RouteBench.Latency> latencies = bench.latencies(p4 ? rates : new int[] {RouteBench.COST_RATE}, each, usage);
                if (p4) {
                    latency(md, latencies, each);
                }
                if (p6) {
                    cost(md, usage, bench.memoryMb(), PriceTable.load());
                }
            }
        }
        return md.append(END).append('\n').toString();
    }

    private static void cold(StringBuilder md, List<RouteBench.Cold> rows) {
        md.append("""

                ### P3' cold init per function

                Each trial ends the function's environments, then invokes it: a new process of the zip starts, runs Init
                (the models load and the priming invocation runs) and answers. "Cold" is that invocation's wait as its caller
                sees it, process start → first answer; "Init" is the Init Duration within it (start → the runtime's first
                `next`). Then warm invocations; the ratio is the first invocation's Duration over their p50.

                | function | cold: start → first answer | Init Duration | target ≤ 2500 ms | first after priming / warm p50 | target ≤ 1.5× |
                | --- | --- | --- | --- | --- | --- |
                """);
        for (RouteBench.Cold c : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", c.function(), c.coldMs().format("ms"),
                    c.initMs().format("ms"), verdict(c.coldMs().median() <= COLD_TARGET_MS),
                    c.firstOverWarm().format("×"), verdict(c.firstOverWarm().median() <= FIRST_OVER_WARM_TARGET)));
        }
    }

    private static void latency(StringBuilder md, List<RouteBench.Latency> rows, Duration each) {
        md.append(String.format(Locale.ROOT, """

                ### P4' put→row per route

                One route at a time, %d s per rate, events through PutEvents at the rate, every function a process of the
                zip; put→row from the row's completedAt. The SQS window is read from the deployed event source mapping.

                | route (model) | rate | achieved | p50 | p95 | p99 | unanswered / duplicated | target | verdict |
                | --- | --- | --- | --- | --- | --- | --- | --- | --- |
                """, each.toSeconds()));
        for (RouteBench.Latency l : rows) {
            double[] p = l.percentiles();
            String verdict = l.verdict() == null ? "(target stated at 100/s)" : (l.verdict().met() ? "met" : "MISSED: " + l.verdict().evidence());
            md.append(String.format(Locale.ROOT, "| %s (%s) | %d/s | %.1f/s | %.0f ms | %.0f ms | %.0f ms | %d / %d | %s | %s |%n",
                    l.route().function(), l.route().model(), l.result().rate(), l.result().achievedRate(), p[0], p[1], p[2],
                    l.result().lost(), l.result().duplicated(), l.target().target(), verdict));
        }
    }

    private static void cost(StringBuilder md, Map<String, RouteUsage> usage, Map<String, Integer> memory, PriceTable prices) {
        md.append(String.format(Locale.ROOT, """

                ### P6 cost per 1M events per route

                AWS list prices, us-east-1, from `bench/src/main/resources/%s` (dated %s; each price names its source page).
                Units per event are what the local cloud served during each route's run at %d events/s: the bus's events,
                the SQS requests on the route's queue (EventBridge's sends, the poller's receives and deletes, empty ones
                included), the Kinesis records put, the function role's S3 calls and DynamoDB request units (metered by the
                local cloud from the size of each item written or read: 1 write unit per KB, 1 read unit per 4 KB, half for an
                eventually consistent read; failed conditional writes are not seen), and the Lambda invocations and
                GB-seconds of the REPORT lines (billed ms × the template's MemorySize). CloudWatch Logs/EMF, X-Ray and data
                transfer are not priced. A price the table marks `"checked": false` was not confirmed on an AWS page.

                | route | per event: bus events / SQS req / records / invocations / GB-s / DynamoDB write / read units |\s""",
                prices.source(), prices.date(), RouteBench.COST_RATE));
        List<String> services = List.copyOf(CostModel.perMillionEvents(usage.values().iterator().next(), prices).lines().keySet());
        md.append(String.join(" | ", services)).append(" | total per 1M events |\n|").append(" --- |".repeat(services.size() + 3)).append('\n');
        for (RouteUsage u : usage.values()) {
            CostModel.Cost cost = CostModel.perMillionEvents(u, prices);
            md.append(String.format(Locale.ROOT, "| %s (%d MB) | %.2f / %.2f / %.2f / %.4f / %.5f / %.2f / %.2f | ", u.route(),
                    memory.get(u.route()), u.perEvent(u.busEvents()), u.perEvent(u.sqsRequests()), u.perEvent(u.kinesisRecords()),
                    u.perEvent(u.lambdaInvocations()), u.perEvent(u.lambdaGbSeconds()), u.perEvent(u.dynamoWriteUnits()),
                    u.perEvent(u.dynamoReadUnits())));
            cost.lines().values().forEach(v -> md.append(String.format(Locale.ROOT, "$%.4f | ", v)));
            md.append(String.format(Locale.ROOT, "**$%.2f** |%n", cost.total()));
        }
        md.append(String.format(Locale.ROOT, """

                Always-on SageMaker real-time endpoint, 1 × ml.g5.xlarge for %.0f h: $%.2f a month. It costs less than a
                route's Lambda compute (requests + GB-s; the bus, queue and table are paid on either path) above:
                """, prices.hoursPerMonth(), CostModel.endpointMonthly(prices)));
        for (RouteUsage u : usage.values()) {
            double events = CostModel.breakEvenEventsPerMonth(u, prices);
            md.append(String.format(Locale.ROOT, "- %s: %.1fM events a month (a mean %.0f events/s)%n", u.route(), events / 1e6,
                    events / (prices.hoursPerMonth() * 3600)));
        }
        md.append("\nRaw usage: ").append(usage.values()).append('\n');
    }

    private static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }

    /** BENCHMARKS.md with this section in place of the previous one, or appended. */
    static String spliceInto(String benchmarks, String section) {
        int begin = benchmarks.indexOf(BEGIN);
        int end = benchmarks.indexOf(END);
        if (begin >= 0 && end > begin) {
            return benchmarks.substring(0, begin) + section.strip() + benchmarks.substring(end + END.length());
        }
        return benchmarks.stripTrailing() + "\n\n" + section;
    }
}
