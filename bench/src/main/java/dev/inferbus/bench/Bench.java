package dev.inferbus.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./inferbus bench [--quick] [--record]}: P1–P4 and the footprint, each a ratio or figure measured in this
 * one run on this machine, with median and spread over repeated trials. {@code --record} writes BENCHMARKS.md.
 */
public final class Bench {

    private final boolean quick;
    private final StringBuilder table = new StringBuilder();
    private final StringBuilder rawNumbers = new StringBuilder();

    private Bench(boolean quick) {
        this.quick = quick;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        boolean record = List.of(args).contains("--record") && !List.of(args).contains("p5");
        // --only p5: just the gpu forwarder's figures, printed (a full run is needed to --record)
        boolean forwarderOnly = List.of(args).contains("p5");
        if (List.of(args).contains("auth")) {
            // --only auth: what IAM enforcement costs one call (direct vs through the authorizing gateway), printed
            System.out.println("IAM gateway overhead: " + AuthOverheadBench.run(2000).describe());
            System.exit(0);
        }
        if (List.of(args).contains("cache")) {
            // cache: the result cache under a Zipf workload — hit ratio and model calls saved, printed
            System.out.println(CacheBench.run().describe());
            System.exit(0);
        }
        if (List.of(args).contains("p4-routes")) {
            // --only p4-routes: warm put→row per route at 10 events/s for 30 s, every function a process of the zip
            for (EndToEndBench.Result r : EndToEndBench.run(new int[] {10}, Duration.ofSeconds(30))) {
                System.out.printf("P4 routes at %d events/s: achieved %.1f/s, lost %d, duplicated %d%n", r.rate(), r.achievedRate(),
                        r.lost(), r.duplicated());
                r.perRoute().forEach((model, p) -> System.out.printf("  %-18s put→row p50 %.0f ms, p99 %.0f ms%n", model, p[0], p[2]));
            }
            System.exit(0);
        }
        boolean p3 = List.of(args).contains("p3prime");
        boolean p4 = List.of(args).contains("p4prime");
        boolean p6 = List.of(args).contains("p6");
        if (p3 || p4 || p6) {
            // issue 17's P3', P4' per route and P6 from one local cloud; --record replaces their section of BENCHMARKS.md
            String section = HonestReport.run(p3, p4, p6, quick);
            System.out.println(section);
            if (List.of(args).contains("--record")) {
                Path file = Path.of(System.getProperty("inferbus.root", ".")).resolve("BENCHMARKS.md");
                Files.writeString(file, HonestReport.spliceInto(Files.readString(file), section));
                System.out.println("wrote " + file);
            }
            System.exit(0);
        }
        long start = System.nanoTime();
        Bench bench = new Bench(quick);
        String report = forwarderOnly ? bench.runForwarder(start)
                : bench.run(start) + "\n" + HonestReport.run(true, true, true, quick);
        System.out.println(report);
        if (record) {
            Path root = Path.of(System.getProperty("inferbus.root", "."));
            Files.writeString(root.resolve("BENCHMARKS.md"), report);
            System.out.println("wrote " + root.resolve("BENCHMARKS.md"));
        }
        System.exit(0);
    }

    private String run(long start) throws Exception {
        table.append("| metric | result | target | verdict |\n| --- | --- | --- | --- |\n");
        int trials = quick ? 3 : 7;
        try (ComputeBench compute = new ComputeBench(BenchRuntime.create(), trials, quick ? 1.5 : 4, quick ? 0.5 : 1.5)) {
            Map<String, Stats> p1 = compute.p1();
            row("P1 pipeline / raw ORT, MiniLM batch of 64", p1.get("ratio").format("×"), "≥ 0.90", p1.get("ratio").median() >= 0.90);
            raw("P1", p1, "events/s");
            Map<String, Stats> fraud = compute.p2Fraud();
            double fraudGain = fraud.get("batched").median() / fraud.get("naive").median();
            row("P2 fraud-scorer batched (256) / naive per-record Predictor", String.format("%.1f×", fraudGain), "≥ 10×", fraudGain >= 10);
            raw("P2 fraud-scorer", fraud, "events/s");
            Map<String, Stats> text = compute.p2Text(quick ? 32 : 256);
            double vsNaive = text.get("catalog").median() / text.get("naive").median();
            double vsUnsorted = text.get("catalog").median() / text.get("unsorted64").median();
            row("P2 MiniLM catalog setting / naive per-record, mixed lengths", String.format("%.2f×", vsNaive), "≥ 1.0 (never slower)", vsNaive >= 0.97);
            row("P2 MiniLM catalog setting / unsorted fixed batches of 64", String.format("%.2f×", vsUnsorted), "≥ 1.3×", vsUnsorted >= 1.3);
            StringBuilder curve = new StringBuilder();
            for (int size : new int[] {1, 8, 16, 32, 64, 128}) {
                curve.append(size).append(": ").append(String.format("%.0f", text.get("sorted" + size).median())).append("  ");
            }
            row("P2 MiniLM sorted tensor-batch curve (events/s)", curve.toString().strip(), "informs the catalog", null);
            raw("P2 MiniLM", text, "events/s");
        }
        coldPath();
        endToEnd();
        forwarder();
        footprint();
        return report(start);
    }

    private String runForwarder(long start) throws Exception {
        table.append("| metric | result | target | verdict |\n| --- | --- | --- | --- |\n");
        forwarder();
        return report(start);
    }

    private void coldPath() throws Exception {
        int launches = quick ? 2 : 5;
        List<Double> ready = new ArrayList<>();
        Map<String, List<Double>> ratio = new LinkedHashMap<>();
        List<Double> rssInit = new ArrayList<>();
        List<Double> rss10k = new ArrayList<>();
        for (int i = 0; i < launches; i++) {
            Map<String, String> probe = launchProbe();
            ready.add(Double.parseDouble(probe.get("readyMs")));
            for (String model : List.of("sentence-embedder", "fraud-scorer")) {
                ratio.computeIfAbsent(model, k -> new ArrayList<>()).add(
                        Double.parseDouble(probe.get(model + ".firstMs")) / Double.parseDouble(probe.get(model + ".warmP50Ms")));
            }
            rssInit.add(Double.parseDouble(probe.get("rssInitMb")));
            rss10k.add(Double.parseDouble(probe.get("rssAfter10kMb")));
            rawNumbers.append("- P3 launch ").append(i + 1).append(": ").append(probe).append('\n');
        }
        row("P3 process start → all cpu models loaded", Stats.of(ready).format("ms"), "report", null);
        for (var e : ratio.entrySet()) {
            Stats s = Stats.of(e.getValue());
            row("P3 " + e.getKey() + " first invocation after priming / warm p50", s.format("×"), "≤ 2×", s.median() <= 2);
        }
        row("Footprint: JVM RSS after init", Stats.of(rssInit).format("MB"), "report", null);
        row("Footprint: JVM RSS after 10k events", Stats.of(rss10k).format("MB"), "report", null);
    }

    private Map<String, String> launchProbe() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("inferbus.bench.classpath", System.getProperty("java.class.path")),
                ColdStartProbe.class.getName()).redirectErrorStream(false).start();
        Map<String, String> values = new LinkedHashMap<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("readyMs=")) {
                    for (String pair : line.split(" ")) {
                        String[] kv = pair.split("=", 2);
                        values.put(kv[0], kv[1]);
                    }
                }
            }
        }
        process.waitFor();
        if (values.isEmpty()) {
            throw new IllegalStateException("the cold-start probe printed nothing (exit " + process.exitValue() + ")");
        }
        return values;
    }

    private void endToEnd() throws Exception {
        int[] rates = quick ? new int[] {50, 100} : new int[] {50, 100, 200};
        Duration each = Duration.ofSeconds(quick ? 5 : 30);
        for (EndToEndBench.Result r : EndToEndBench.run(rates, each)) {
            row("P4 local end to end at " + r.rate() + " events/s for " + each.toSeconds() + " s",
                    String.format("achieved %.0f/s; put→row p50 %.0f ms, p95 %.0f ms, p99 %.0f ms; lost %d, duplicated %d",
                            r.achievedRate(), r.p50(), r.p95(), r.p99(), r.lost(), r.duplicated()),
                    "lost 0, duplicated 0", r.lost() == 0 && r.duplicated() == 0);
            rawNumbers.append("- P4 ").append(r).append('\n');
        }
    }

    private void forwarder() throws Exception {
        Map<String, Stats> f = ForwarderBench.run(new int[] {1, 16, 64}, quick ? 3 : 7);
        row("P5 gpu forwarder overhead per record, batch of 64 (instant endpoint)", f.get("batch 64 ms/record").format("ms"), "report", null);
        row("P5 gpu forwarder overhead per record, batch of 1", f.get("batch 1 ms/record").format("ms"), "report", null);
        row("P5 endpoint calls per batch of 64 / 16 / 1 (maxRequestBatch 16)", String.format("%.0f / %.0f / %.0f",
                f.get("batch 64 endpoint calls").median(), f.get("batch 16 endpoint calls").median(), f.get("batch 1 endpoint calls").median()),
                "⌈N/16⌉ = 4 / 1 / 1", f.get("batch 64 endpoint calls").median() == 4 && f.get("batch 16 endpoint calls").median() == 1);
        raw("P5", f, "");
    }

    private void footprint() throws Exception {
        Path zip = Path.of(System.getProperty("inferbus.root", "."), "functions/target/inferbus-functions-lambda-x86_64.zip");
        String size = Files.exists(zip) ? String.format("%.1f MB", Files.size(zip) / 1024.0 / 1024.0) : "not built";
        row("Footprint: deployment zip (x86_64)", size, "≤ 50 MB", Files.exists(zip) && Files.size(zip) < 50L * 1024 * 1024);
    }

    private void row(String metric, String result, String target, Boolean verdict) {
        String v = verdict == null ? "" : verdict ? "met" : "MISSED";
        table.append("| ").append(metric).append(" | ").append(result).append(" | ").append(target).append(" | ").append(v).append(" |\n");
    }

    private void raw(String name, Map<String, Stats> stats, String unit) {
        stats.forEach((k, s) -> rawNumbers.append("- ").append(name).append(' ').append(k).append(": ").append(s.format(unit)).append('\n'));
    }

    private String report(long start) {
        return "# inferbus benchmarks\n\n"
                + "Command: `./inferbus bench" + (quick ? " --quick" : "") + " --record`  \n"
                + "Machine: " + Runtime.getRuntime().availableProcessors() + " cores, "
                + (Runtime.getRuntime().maxMemory() / 1024 / 1024) + " MB max heap, JDK " + System.getProperty("java.version")
                + " (" + System.getProperty("java.vm.name") + "), " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + "  \n"
                + "Date: " + LocalDate.now() + "; wall time " + String.format("%.0f s", (System.nanoTime() - start) / 1e9) + "\n\n"
                + "Every figure is measured in this one run on this machine: median (min–max, n trials).\n\n"
                + table + "\n## Raw numbers\n\n" + rawNumbers;
    }
}
