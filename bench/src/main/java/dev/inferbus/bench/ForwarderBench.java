package dev.inferbus.bench;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.catalog.Task;
import dev.inferbus.events.routing.Route;
import dev.inferbus.functions.config.FunctionConfig;
import dev.inferbus.functions.handler.FunctionRuntime;
import dev.inferbus.functions.handler.GpuForwardHandler;
import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.sagemaker.SageMakerServer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * P5: what the gpu forwarder itself costs per record — decode, checks, the endpoint's wire format both ways, the
 * HTTP call, the result rows and events — against an endpoint that answers at once (a stand-in model returning a
 * fixed 384-dim vector), so the endpoint's own inference time is not in the figure; and the endpoint calls a
 * batch takes.
 */
final class ForwarderBench {

    private static final String FUNCTION = Route.gpuRouteName("document-embedder");
    private static final String ENDPOINT = "inferbus-embed";

    /** Milliseconds per record for batches of {@code sizes}, and endpoint calls per batch, over {@code trials}. */
    static Map<String, Stats> run(int[] sizes, int trials) throws Exception {
        Map<String, Stats> out = new LinkedHashMap<>();
        var catalog = CatalogLoader.loadClasspath();
        List<ModelSpec> gpu = catalog.models().stream()
                .filter(m -> m.endpoint() != null && m.task() == Task.TEXT_EMBEDDING).toList();
        float[] vector = new float[384];
        vector[0] = 1f;
        try (LocalCloud cloud = LocalCloud.start(LocalCloud.Settings.defaults().withRandomPorts(), System.err);
             SageMakerServer instant = SageMakerServer.start(new InetSocketAddress("127.0.0.1", 0), gpu,
                     model -> SageMakerServer.TextModel.constant(vector), null, null, (e, ok, m) -> { }, "us-east-1")) {
            // the deployed forwarder's own environment, run in this JVM to time its compute path alone
            Map<String, String> env = new HashMap<>(cloud.functionEnvironment(FUNCTION));
            System.setProperty("aws.accessKeyId", "local");
            System.setProperty("aws.secretAccessKey", "local");
            env.put(FunctionConfig.ENDPOINT_PREFIX + "SAGEMAKER", instant.endpoint().toString());
            try (FunctionRuntime runtime = new FunctionRuntime(FunctionConfig.from(env))) {
                GpuForwardHandler handler = new GpuForwardHandler(runtime);
                int batch = 0;
                for (int size : sizes) {
                    List<Double> perRecord = new ArrayList<>();
                    List<Double> calls = new ArrayList<>();
                    for (int t = -3; t < trials; t++) {
                        SQSEvent event = event(size, batch++);
                        long before = instant.stats(ENDPOINT).orElseThrow().calls();
                        long start = System.nanoTime();
                        SQSBatchResponse response = handler.handleRequest(event, new LocalContext(FUNCTION, 60, 512));
                        double millis = (System.nanoTime() - start) / 1e6;
                        if (!response.getBatchItemFailures().isEmpty()) {
                            throw new IllegalStateException("the forwarder benchmark hit failures: " + response.getBatchItemFailures().size());
                        }
                        if (t >= 0) {
                            perRecord.add(millis / size);
                            calls.add((double) (instant.stats(ENDPOINT).orElseThrow().calls() - before));
                        }
                    }
                    out.put("batch " + size + " ms/record", Stats.of(perRecord));
                    out.put("batch " + size + " endpoint calls", Stats.of(calls));
                }
            }
        }
        return out;
    }

    private static SQSEvent event(int size, int batch) {
        List<SQSEvent.SQSMessage> messages = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            String id = "fwd-" + batch + "-" + i;
            ObjectNode event = Workload.JSON.createObjectNode().put("version", "0").put("id", "ev-" + id)
                    .put("detail-type", "InferenceRequested").put("source", "bench").put("time", "2026-11-22T10:00:00Z");
            // pinned to the live version: the calls a batch takes are counted on its endpoint alone
            event.putObject("detail").put("requestId", id).put("model", "document-embedder").put("version", "1")
                    .putObject("input").put("text", "a document of the forwarder benchmark, number " + i);
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId("m-" + id);
            m.setBody(event.toString());
            messages.add(m);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(messages);
        return event;
    }
}
