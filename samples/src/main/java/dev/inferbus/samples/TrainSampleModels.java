package dev.inferbus.samples;

import dev.inferbus.samples.fraud.FraudScorerTraining;
import dev.inferbus.samples.sensor.SensorAnomalyTraining;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Retrains the two small sample models and writes them where they are committed:
 * {@code samples/src/main/resources/models/<id>/1/{model.onnx, signature.json, metrics.json}}.
 * Run it with {@code ./inferbus train-samples}; a test checks that the committed files equal a retrain. The
 * generators and trainers use {@link StrictMath}: {@code Math}'s intrinsics may differ in the last bit between
 * interpreted and compiled code, which would make a retrain write other bytes.
 */
public final class TrainSampleModels {

    private TrainSampleModels() {
    }

    public static void main(String[] args) throws IOException {
        Path models = Path.of(args.length > 0 ? args[0] : "samples/src/main/resources/models");
        FraudScorerTraining.train().writeTo(models.resolve("fraud-scorer/1"));
        SensorAnomalyTraining.train().writeTo(models.resolve("sensor-anomaly/1"));
        System.out.println("wrote fraud-scorer and sensor-anomaly under " + models.toAbsolutePath());
    }
}
