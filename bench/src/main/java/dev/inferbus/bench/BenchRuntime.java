package dev.inferbus.bench;

import dev.inferbus.functions.config.FunctionConfig;
import dev.inferbus.functions.handler.FunctionRuntime;
import java.util.Map;

/** A function runtime serving every cpu model, built as in Lambda; its AWS clients point nowhere and stay unused. */
final class BenchRuntime {

    static final String MODELS = "fraud-scorer,sentence-embedder,sensor-anomaly";

    private BenchRuntime() {
    }

    static FunctionRuntime create() {
        return new FunctionRuntime(FunctionConfig.from(Map.of(
                FunctionConfig.MODELS, MODELS,
                FunctionConfig.CATALOG, "classpath:",
                FunctionConfig.TABLE, "bench-results",
                FunctionConfig.BUS, "bench",
                FunctionConfig.BUCKET, "bench-bucket",
                // compute-path benchmarks never reach I/O; these endpoints only keep the clients off real AWS
                FunctionConfig.ENDPOINT_PREFIX + "DYNAMODB", "http://127.0.0.1:9",
                FunctionConfig.ENDPOINT_PREFIX + "S3", "http://127.0.0.1:9",
                FunctionConfig.ENDPOINT_PREFIX + "EVENTS", "http://127.0.0.1:9")));
    }
}
