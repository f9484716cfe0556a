package dev.inferbus.samples;

import dev.inferbus.samples.fraud.FraudScorerTraining;
import dev.inferbus.samples.generation.NgramTraining;
import dev.inferbus.samples.sensor.SensorAnomalyTraining;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Retrains the two small sample models and writes them where they are committed:
 * {@code samples/src/main/resources/models/<id>/<version>/{model.onnx, signature.json, metrics.json}}, every
 * version of {@code fraud-scorer} ({@link FraudScorerTraining#VERSIONS}), version 1 of {@code sensor-anomaly}, and the
 * text-generation stand-in {@code text-generator/1/model.json} from {@code samples/corpus/}.
 * Run it with {@code ./inferbus train-samples}; a test checks that a retrain reproduces the committed metrics and
 * signatures exactly and the models' scores to float precision. The generators and trainers use
 * {@link StrictMath}, since {@code Math}'s intrinsics may differ in the last bit between interpreted and compiled
 * code; the PCA's eigen solver still can, by a few ulps, so the PCA's bytes are not compared.
 */
public final class TrainSampleModels {

    private TrainSampleModels() {
    }

    public static void main(String[] args) throws IOException {
        Path models = Path.of(args.length > 0 ? args[0] : "samples/src/main/resources/models");
        for (FraudScorerTraining.Options version : FraudScorerTraining.VERSIONS) {
            FraudScorerTraining.train(version).writeTo(models.resolve("fraud-scorer/" + version.version()));
        }
        SensorAnomalyTraining.train().writeTo(models.resolve("sensor-anomaly/1"));
        Path generator = models.resolve("text-generator/1/model.json");
        Files.createDirectories(generator.getParent());
        Files.write(generator, NgramTraining.train(Path.of(args.length > 1 ? args[1] : "samples/corpus/devils-dictionary.txt")));
        System.out.println("wrote fraud-scorer, sensor-anomaly and text-generator under " + models.toAbsolutePath());
    }
}
