package dev.inferbus.local.sagemaker;

import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.samples.generation.NgramGenerator;
import dev.inferbus.samples.generation.TextGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The text-generation endpoints' stand-ins: the n-gram generator each {@code endpoint.localArtifact} names. */
public final class TextGenerators {

    private TextGenerators() {
    }

    /** Reads the generator of {@code model}'s endpoint from the classpath (the samples jar). */
    public static TextGenerator load(ModelSpec model) {
        String artifact = OnnxTextModels.localArtifact(model);
        try (InputStream in = TextGenerators.class.getClassLoader().getResourceAsStream(artifact)) {
            if (in == null) {
                throw new IllegalArgumentException(model.id() + ": " + artifact + " is not on the classpath");
            }
            return NgramGenerator.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(model.id() + ": cannot read " + artifact, e);
        }
    }
}
