package dev.inferbus.events.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The detail schemas, and the schema of the tensor task's input, validated with JSON pointers so that every message
 * names its field.
 */
public final class ContractSchemas {

    private final JsonSchema requested;
    private final JsonSchema completed;
    private final JsonSchema failed;
    private final JsonSchema tensorInput;
    private final JsonSchema progress;

    private ContractSchemas() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .pathType(PathType.JSON_POINTER)
                .locale(Locale.ENGLISH)
                .regularExpressionFactory(EcmaAnchors.INSTANCE)
                .build();
        requested = load(factory, config, "inference-requested");
        completed = load(factory, config, "inference-completed");
        failed = load(factory, config, "inference-failed");
        tensorInput = load(factory, config, "tensor-input");
        progress = load(factory, config, "inference-progress");
    }

    /** The schemas, loaded once for a runtime that has no codec at hand: they are immutable and thread-safe. */
    public static ContractSchemas shared() {
        return Shared.INSTANCE;
    }

    private static final class Shared {
        static final ContractSchemas INSTANCE = new ContractSchemas();
    }

    private static JsonSchema load(JsonSchemaFactory factory, SchemaValidatorsConfig config, String name) {
        String resource = "/schemas/" + name + ".schema.json";
        try (InputStream in = ContractSchemas.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema missing from the classpath: " + resource);
            }
            return factory.getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Problems of an {@code InferenceRequested} detail, each "pointer: what was expected"; empty when valid. */
    public List<String> checkRequested(JsonNode detail, String pointerPrefix) {
        return check(requested, detail, pointerPrefix);
    }

    public List<String> checkCompleted(JsonNode detail) {
        return check(completed, detail, "");
    }

    public List<String> checkFailed(JsonNode detail) {
        return check(failed, detail, "");
    }

    /** Problems of a tensor task's {@code input}, each "pointer: what was expected"; empty when valid. */
    public List<String> checkTensorInput(JsonNode input, String pointerPrefix) {
        return check(tensorInput, input, pointerPrefix);
    }

    public List<String> checkProgress(JsonNode detail) {
        return check(progress, detail, "");
    }

    private static List<String> check(JsonSchema schema, JsonNode node, String pointerPrefix) {
        return schema.validate(node).stream()
                .map(m -> new Problem(pointerOf(m, pointerPrefix), m.getError()))
                .sorted(Comparator.comparing(Problem::pointer).thenComparing(Problem::text))
                .map(p -> p.pointer() + ": " + p.text())
                .distinct()
                .toList();
    }

    private static String pointerOf(ValidationMessage m, String prefix) {
        String at = m.getInstanceLocation().toString();
        if (("required".equals(m.getType()) || "additionalProperties".equals(m.getType())) && m.getProperty() != null) {
            at = at + "/" + m.getProperty();
        }
        String pointer = prefix + at;
        return pointer.isEmpty() ? "/" : pointer;
    }

    private record Problem(String pointer, String text) {
    }
}
