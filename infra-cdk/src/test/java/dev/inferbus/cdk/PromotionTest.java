package dev.inferbus.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromotionTest {

    private static final String CANARY = "rollout: { traffic: { \"1\": 90, \"2\": 10 } }";
    private static final String PROMOTED = "rollout: { traffic: { \"1\": 10, \"2\": 90 } }";

    /**
     * Promoting a canary moves traffic, not infrastructure: an update that renamed a route's construct would make
     * CloudFormation replace its rule, queue and function, and a replaced queue is deleted with the messages in it.
     */
    @Test
    void promotingTheSampleCanariesKeepsEveryResource(@TempDir Path dir) throws Exception {
        String sample = Files.readString(Path.of("../samples/catalog.yaml"));
        String promoted = sample.replace(CANARY, PROMOTED);
        assertThat(sample.split(java.util.regex.Pattern.quote(CANARY), -1)).as("the cpu and the gpu canary").hasSize(3);
        Path file = dir.resolve("catalog.yaml");
        Files.writeString(file, promoted);

        Synthesized after = new Synthesized(file);

        assertThat(after.catalog.find("document-embedder").orElseThrow().version()).isEqualTo("2");
        assertThat(after.catalog.find("fraud-scorer").orElseThrow().version()).isEqualTo("2");
        Set<String> before = resources(Synthesized.sample()).entrySet().stream().map(Object::toString).collect(Collectors.toSet());
        Set<String> now = resources(after).entrySet().stream().map(Object::toString).collect(Collectors.toSet());
        assertThat(now.stream().filter(r -> !before.contains(r)).sorted()).as("resources the promotion would create").isEmpty();
        assertThat(before.stream().filter(r -> !now.contains(r)).sorted()).as("resources the promotion would delete").isEmpty();
    }

    /**
     * Every resource's logical id with its type, but Lambda versions and the canary's error-rate alarm, which names
     * the version it watches: after a promotion that is the other version, and a new alarm is right.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> resources(Synthesized synth) {
        Map<String, Object> out = new TreeMap<>();
        ((Map<String, Object>) synth.template.toJSON().get("Resources")).forEach((id, resource) -> {
            Object type = ((Map<String, Object>) resource).get("Type");
            if (!"AWS::Lambda::Version".equals(type) && !id.contains("CanaryErrorRate")) {
                out.put(id, type);
            }
        });
        return out;
    }
}
