package dev.inferbus.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.functions.pipeline.InferencePipeline;
import dev.inferbus.samples.fraud.TransactionGenerator;
import dev.inferbus.samples.sensor.VibrationGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded inputs and the SQS records (EventBridge envelopes) that carry them, as a queue would deliver them. */
final class Workload {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] WORDS = ("the a invoice payment contract renews shipping order customer support "
            + "delivery late refund account password reset meeting board quarterly revenue grew percent sensor pump "
            + "vibration bearing warehouse shipment tracking number arrived damaged replacement warranty").split(" ");

    private Workload() {
    }

    /** Texts whose lengths vary widely (3 to ~120 words), as real traffic does. */
    static List<String> mixedTexts(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> texts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int words = 3 + (int) Math.min(117, Math.abs(random.nextGaussian() * 35));
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < words; w++) {
                text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
            }
            texts.add(text.toString().strip());
        }
        return texts;
    }

    static List<ObjectNode> transactions(int n, long seed) {
        TransactionGenerator generator = new TransactionGenerator(seed);
        List<ObjectNode> inputs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double[] f = generator.next().features();
            ObjectNode input = JSON.createObjectNode();
            ObjectNode features = input.putObject("features");
            for (int k = 0; k < f.length; k++) {
                features.put(TransactionGenerator.FEATURES.get(k), f[k]);
            }
            inputs.add(input);
        }
        return inputs;
    }

    static List<ObjectNode> windows(int n, long seed) {
        VibrationGenerator generator = new VibrationGenerator(seed);
        List<ObjectNode> inputs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ObjectNode input = JSON.createObjectNode();
            var readings = input.putArray("readings");
            for (double v : i % 10 == 0 ? generator.anomalous() : generator.normal()) {
                readings.add(v);
            }
            inputs.add(input);
        }
        return inputs;
    }

    static ObjectNode textInput(String text) {
        return JSON.createObjectNode().put("text", text);
    }

    /** One SQS record per input: an EventBridge envelope as a rule delivers it, with a fresh requestId. */
    static List<InferencePipeline.Record> records(String model, List<ObjectNode> inputs, String prefix) {
        List<InferencePipeline.Record> records = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            ObjectNode event = JSON.createObjectNode().put("version", "0").put("id", prefix + "-event-" + i)
                    .put("detail-type", "InferenceRequested").put("source", "bench").put("account", "000000000000")
                    .put("time", "2026-11-22T00:00:00Z").put("region", "us-east-1");
            event.putArray("resources");
            ObjectNode detail = event.putObject("detail").put("requestId", prefix + "-" + i).put("model", model);
            detail.set("input", inputs.get(i));
            records.add(new InferencePipeline.Record("msg-" + prefix + "-" + i, event.toString()));
        }
        return records;
    }
}
