package dev.inferbus.cdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Template fragments as JSON text, for assertions about what they contain. */
final class CdkJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CdkJson() {
    }

    static String write(Object fragment) {
        try {
            return JSON.writeValueAsString(fragment);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
