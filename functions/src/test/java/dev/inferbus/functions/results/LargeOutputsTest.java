package dev.inferbus.functions.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LargeOutputsTest {

    /** Replacing ':' by '_' once put {@code a:b} and {@code a_b} at the same key: one output overwrote the other. */
    @Test
    void requestIdsThatDifferOnlyInPunctuationGetTheirOwnObjects() {
        List<String> ids = List.of("a:b", "a_b", "a.b", "a-b", "A:b", "a::b", "a__b");
        Set<String> keys = new HashSet<>();
        ids.forEach(id -> keys.add(LargeOutputs.objectKey(id)));

        assertThat(keys).hasSize(ids.size());
        assertThat(keys).allMatch(key -> key.matches("results/[0-9a-f]{64}\\.json"));
    }
}
