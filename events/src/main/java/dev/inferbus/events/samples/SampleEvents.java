package dev.inferbus.events.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.events.contract.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The sample events under {@code events/samples/}: producer-side events ({@code source}, {@code detail-type},
 * {@code detail}) that the demo puts on the bus and the tests route and score.
 */
public final class SampleEvents {

    /** Overrides where the samples folder is; otherwise it is found from the working directory upwards. */
    public static final String DIR_PROPERTY = "inferbus.samples.dir";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param expected for an invalid sample, what it must fail with; null for a valid one
     */
    public record Sample(String name, Path file, JsonNode event, Expectation expected) {

        public boolean valid() {
            return expected == null;
        }

        public String requestId() {
            JsonNode id = event.path("detail").path("requestId");
            return id.isTextual() ? id.asText() : null;
        }

        public String model() {
            JsonNode model = event.path("detail").path("model");
            return model.isTextual() ? model.asText() : null;
        }
    }

    /** @param field the JSON pointer the failure message must name */
    public record Expectation(ErrorCode errorCode, String field) {
    }

    private SampleEvents() {
    }

    public static Path directory() {
        String configured = System.getProperty(DIR_PROPERTY);
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("events/samples");
            if (Files.isDirectory(candidate.resolve("valid"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("events/samples not found above " + Path.of("").toAbsolutePath()
                + "; set -D" + DIR_PROPERTY);
    }

    public static List<Sample> valid() {
        return read(directory().resolve("valid"), null);
    }

    public static List<Sample> invalid() {
        Path dir = directory();
        JsonNode expectations = readJson(dir.resolve("expectations.json"));
        return read(dir.resolve("invalid"), expectations);
    }

    public static List<Sample> all() {
        List<Sample> all = new ArrayList<>(valid());
        all.addAll(invalid());
        return all;
    }

    private static List<Sample> read(Path dir, JsonNode expectations) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json"))
                    .sorted(Comparator.comparing(Path::toString))
                    .map(f -> sample(f, expectations))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Sample sample(Path file, JsonNode expectations) {
        String name = file.getFileName().toString();
        Expectation expected = null;
        if (expectations != null) {
            JsonNode e = expectations.get(name);
            if (e == null) {
                throw new IllegalStateException(file + " has no entry in expectations.json");
            }
            expected = new Expectation(ErrorCode.valueOf(e.get("errorCode").asText()), e.get("field").asText());
        }
        return new Sample(name.substring(0, name.length() - ".json".length()), file, readJson(file), expected);
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}
