package dev.inferbus.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A CloudFormation template as CDK writes it: resources in file order (Jackson keeps object order, and CDK writes
 * resources in construct order, which is the order a reader expects to see them deployed in when nothing else
 * decides), and the parameters. The {@code Rules} section (CDK's bootstrap-version assertion) is deploy-time
 * checking of the real account and is not read.
 */
public record Template(String description, Map<String, Parameter> parameters, List<Resource> resources) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Template {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        resources = List.copyOf(resources);
    }

    public static Template read(Path file) {
        try {
            return parse(JSON.readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read template " + file, e);
        }
    }

    public static Template parse(JsonNode template) {
        // A resource's Condition decides whether it exists at all; silently deploying it anyway would be wrong,
        // and the templates this project synthesizes have none, so refuse rather than guess.
        if (template.has("Conditions")) {
            throw new IllegalArgumentException("the template has Conditions, which are not evaluated locally");
        }
        Map<String, Parameter> parameters = new LinkedHashMap<>();
        template.path("Parameters").properties().forEach(p -> parameters.put(p.getKey(), new Parameter(p.getKey(),
                p.getValue().path("Type").asText("String"), Optional.ofNullable(p.getValue().get("Default")))));
        List<Resource> resources = new ArrayList<>();
        template.path("Resources").properties().forEach(r -> resources.add(resource(r.getKey(), r.getValue())));
        return new Template(template.path("Description").asText(""), parameters, resources);
    }

    private static Resource resource(String logicalId, JsonNode body) {
        if (body.has("Condition")) {
            throw new IllegalArgumentException(logicalId + ": resource conditions are not evaluated locally");
        }
        List<String> dependsOn = new ArrayList<>();
        JsonNode declared = body.path("DependsOn");
        if (declared.isTextual()) {
            dependsOn.add(declared.asText());   // CloudFormation allows a single id as well as a list
        } else {
            declared.forEach(id -> dependsOn.add(id.asText()));
        }
        JsonNode properties = body.has("Properties") ? body.get("Properties") : JSON.createObjectNode();
        return new Resource(logicalId, body.path("Type").asText(), properties, dependsOn);
    }

    public Optional<Resource> resource(String logicalId) {
        return resources.stream().filter(r -> r.logicalId().equals(logicalId)).findFirst();
    }

    /** Resources of one type, in file order. */
    public List<Resource> ofType(String type) {
        return resources.stream().filter(r -> r.type().equals(type)).toList();
    }
}
