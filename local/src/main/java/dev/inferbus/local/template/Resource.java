package dev.inferbus.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * One entry of a template's {@code Resources}. {@code properties} is the raw, unresolved JSON (an empty object when
 * the template gives none); it is shared, so treat it as read-only: {@link Intrinsics} resolves into a copy.
 */
public record Resource(String logicalId, String type, JsonNode properties, List<String> dependsOn) {

    public Resource {
        Objects.requireNonNull(logicalId, "logicalId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(properties, "properties");
        dependsOn = List.copyOf(dependsOn);
    }

    /** The raw value of one top-level property, or a missing node. */
    public JsonNode property(String name) {
        return properties.path(name);
    }
}
