package dev.inferbus.local.iam.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A policy document whose intrinsics are already resolved
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html): {@code Statement} is an object
 * or an array; {@code Action}, {@code Resource}, {@code Principal} entries and condition values a string or an array.
 *
 * @param name where the document comes from, for denial reasons and start-up listings: the template's logical id of
 *     the policy resource ({@code ROLE/POLICY} for a role's inline policy), or a managed policy's ARN
 */
public record PolicyDocument(String name, List<Statement> statements) {

    public PolicyDocument {
        statements = List.copyOf(statements);
    }

    /** Parses {@code json}; a malformed statement fails with the policy's name and the statement's place. */
    public static PolicyDocument parse(String name, JsonNode json) {
        JsonNode statement = json.path("Statement");
        List<JsonNode> nodes = new ArrayList<>();
        if (statement.isArray()) {
            statement.forEach(nodes::add);
        } else if (statement.isObject()) {
            nodes.add(statement);
        } else {
            throw new IllegalArgumentException("policy " + name + " has no Statement");
        }
        List<Statement> statements = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            try {
                statements.add(statement(nodes.get(i), i + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("policy " + name + " statement #" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new PolicyDocument(name, statements);
    }

    private static Statement statement(JsonNode json, int position) {
        return new Statement(json.path("Sid").asText(""), position, Effect.parse(json.path("Effect").asText()),
                patterns(json, "Action"), patterns(json, "Resource"), principals(json), conditions(json.path("Condition")));
    }

    /** {@code Action} or {@code NotAction} (likewise Resource): exactly one of the two. */
    private static Patterns patterns(JsonNode json, String element) {
        JsonNode positive = json.get(element);
        JsonNode negative = json.get("Not" + element);
        if ((positive == null) == (negative == null)) {
            throw new IllegalArgumentException("needs exactly one of " + element + " and Not" + element);
        }
        return positive != null ? new Patterns(strings(positive), false) : new Patterns(strings(negative), true);
    }

    private static Optional<Principals> principals(JsonNode json) {
        JsonNode positive = json.get("Principal");
        JsonNode negative = json.get("NotPrincipal");
        if (positive != null && negative != null) {
            throw new IllegalArgumentException("has both Principal and NotPrincipal");
        }
        JsonNode given = positive != null ? positive : negative;
        if (given == null) {
            return Optional.empty();
        }
        List<Principals.Entry> entries = new ArrayList<>();
        if (given.isTextual() && given.asText().equals("*")) {
            entries.add(new Principals.Entry(Principals.Kind.ANY, "*"));
        } else if (given.isObject()) {
            for (Map.Entry<String, JsonNode> field : given.properties()) {
                Principals.Kind kind = switch (field.getKey()) {
                    case "AWS" -> Principals.Kind.AWS;
                    case "Service" -> Principals.Kind.SERVICE;
                    default -> Principals.Kind.OTHER;
                };
                strings(field.getValue()).forEach(value -> entries.add(new Principals.Entry(kind, value)));
            }
        } else {
            throw new IllegalArgumentException("Principal must be \"*\" or an object, not " + given);
        }
        return Optional.of(new Principals(entries, negative != null));
    }

    private static List<Condition> conditions(JsonNode json) {
        List<Condition> conditions = new ArrayList<>();
        for (Map.Entry<String, JsonNode> operator : json.properties()) {
            for (Map.Entry<String, JsonNode> key : operator.getValue().properties()) {
                conditions.add(Condition.of(operator.getKey(), key.getKey(), strings(key.getValue())));
            }
        }
        return conditions;
    }

    /** A string, boolean or number, or an array of them, as strings ({@code true} and {@code "true"} alike). */
    private static List<String> strings(JsonNode json) {
        List<String> values = new ArrayList<>();
        for (JsonNode item : json.isArray() ? json : List.of(json)) {
            if (!item.isValueNode() || item.isNull()) {
                throw new IllegalArgumentException("expected a string or an array of strings, not " + json);
            }
            values.add(item.asText());
        }
        return values;
    }
}
