package dev.inferbus.bench;

import dev.inferbus.functions.handler.FunctionRuntime;
import dev.inferbus.functions.pipeline.InferencePipeline;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a fresh JVM by {@link Bench}: process start → runtime ready (every cpu model loaded), the priming hook,
 * then the first invocation after it against warm ones, and resident memory after init and after 10k events.
 * Prints one line of key=value pairs.
 */
public final class ColdStartProbe {

    private ColdStartProbe() {
    }

    public static void main(String[] args) throws Exception {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        FunctionRuntime runtime = BenchRuntime.create();
        long readyMs = System.currentTimeMillis() - jvmStart;
        long rssInit = rssKb();
        long primeStart = System.nanoTime();
        runtime.beforeCheckpoint(null);
        double primeMs = (System.nanoTime() - primeStart) / 1e6;
        InferencePipeline pipeline = runtime.pipeline();

        StringBuilder out = new StringBuilder("readyMs=" + readyMs + " primeMs=" + String.format("%.1f", primeMs));
        for (String model : List.of("sentence-embedder", "fraud-scorer")) {
            List<InferencePipeline.Record> first = records(model, 1, 100);
            long start = System.nanoTime();
            pipeline.computeRows(first);
            double firstMs = (System.nanoTime() - start) / 1e6;
            List<Double> warm = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                List<InferencePipeline.Record> one = records(model, 1, 200 + i);
                long s = System.nanoTime();
                pipeline.computeRows(one);
                warm.add((System.nanoTime() - s) / 1e6);
            }
            out.append(String.format(" %s.firstMs=%.2f %s.warmP50Ms=%.2f", model, firstMs, model,
                    Stats.percentile(Stats.sorted(warm), 50)));
        }
        for (int batch = 0; batch < 100; batch++) {
            String model = batch % 20 == 0 ? "sentence-embedder" : batch % 2 == 0 ? "fraud-scorer" : "sensor-anomaly";
            pipeline.computeRows(records(model, 100, 10_000 + batch));
        }
        out.append(" rssInitMb=").append(rssInit / 1024).append(" rssAfter10kMb=").append(rssKb() / 1024);
        System.out.println(out);
        System.exit(0);
    }

    private static List<InferencePipeline.Record> records(String model, int n, long seed) {
        return switch (model) {
            case "sentence-embedder" -> Workload.records(model, Workload.mixedTexts(n, seed).stream().map(Workload::textInput).toList(), "c" + seed);
            case "fraud-scorer" -> Workload.records(model, Workload.transactions(n, seed), "c" + seed);
            default -> Workload.records(model, Workload.windows(n, seed), "c" + seed);
        };
    }

    private static long rssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
