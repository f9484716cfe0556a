package dev.inferbus.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Evaluates CloudFormation intrinsic functions in a resource's properties, against the physical names a deployer
 * gave the template's resources. Covers what CDK writes: {@code Ref} (resources, parameters with a default, pseudo
 * parameters, {@code AWS::NoValue}), {@code Fn::GetAtt} (both forms), {@code Fn::Join}, {@code Fn::Select},
 * {@code Fn::Split} and {@code Fn::Sub} (both forms). Anything else (conditions, {@code Fn::ImportValue},
 * {@code Fn::FindInMap}, ...) is an {@link UnresolvableIntrinsic}, never passed through: a resource configured with
 * a literal {@code {"Fn::If": ...}} object would fail much later and much more obscurely.
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html)
 */
public final class Intrinsics {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Template template;
    private final PhysicalNames names;
    private final PseudoParameters pseudo;
    private final Map<String, String> parameterValues;

    public Intrinsics(Template template, PhysicalNames names, PseudoParameters pseudo) {
        this(template, names, pseudo, Map.of());
    }

    /** {@code parameterValues} override defaults, and are the only way to give an SSM-typed parameter a value. */
    public Intrinsics(Template template, PhysicalNames names, PseudoParameters pseudo, Map<String, String> parameterValues) {
        this.template = Objects.requireNonNull(template, "template");
        this.names = Objects.requireNonNull(names, "names");
        this.pseudo = Objects.requireNonNull(pseudo, "pseudo");
        this.parameterValues = Map.copyOf(parameterValues);
    }

    /** The resource's properties with every intrinsic evaluated; a fresh tree, the template is left as it was. */
    public JsonNode resolvedProperties(Resource resource) {
        return resolve(resource.logicalId(), "", resource.properties());
    }

    /**
     * {@code value} (found at {@code propertyPath} of resource {@code logicalId}, which only serve the error
     * messages) with every intrinsic evaluated, deeply. A value that is {@code AWS::NoValue} itself comes back as a
     * {@link MissingNode}; inside objects and arrays it removes its key or element, as CloudFormation does.
     */
    public JsonNode resolve(String logicalId, String propertyPath, JsonNode value) {
        JsonNode resolved = new Evaluation(logicalId).value(propertyPath, value);
        return resolved == null ? MissingNode.getInstance() : resolved;
    }

    /** One resolve call: carries the resource id so every failure can say where it happened. */
    private final class Evaluation {

        private final String logicalId;

        Evaluation(String logicalId) {
            this.logicalId = logicalId;
        }

        /** Null stands for AWS::NoValue, so the caller can drop the key or element. */
        JsonNode value(String path, JsonNode node) {
            return walk(path, node, false);
        }

        /**
         * A function's argument. Its parts are reported under the path of the property holding the function, not
         * as {@code X[1][0]}: the property is where a reader of the template finds the function.
         */
        private JsonNode argument(String path, JsonNode node) {
            return walk(path, node, true);
        }

        private JsonNode walk(String path, JsonNode node, boolean inArgument) {
            if (node.isObject()) {
                if (node.size() == 1) {
                    String key = node.properties().iterator().next().getKey();
                    if (key.equals("Ref") || key.startsWith("Fn::")) {
                        return function(path, key, node.get(key));
                    }
                }
                ObjectNode out = JSON.createObjectNode();
                node.properties().forEach(field -> {
                    String child = inArgument ? path : path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                    JsonNode resolved = walk(child, field.getValue(), inArgument);
                    if (resolved != null) {
                        out.set(field.getKey(), resolved);
                    }
                });
                return out;
            }
            if (node.isArray()) {
                ArrayNode out = JSON.createArrayNode();
                for (int i = 0; i < node.size(); i++) {
                    JsonNode resolved = walk(inArgument ? path : path + "[" + i + "]", node.get(i), inArgument);
                    if (resolved != null) {
                        out.add(resolved);
                    }
                }
                return out;
            }
            return node.deepCopy();
        }

        private JsonNode function(String path, String name, JsonNode argument) {
            return switch (name) {
                case "Ref" -> ref(path, argument.asText());
                case "Fn::GetAtt" -> getAtt(path, argument);
                case "Fn::Join" -> join(path, argument);
                case "Fn::Select" -> select(path, argument);
                case "Fn::Split" -> split(path, argument);
                case "Fn::Sub" -> sub(path, argument);
                default -> throw fail(path, "unsupported intrinsic function " + name);
            };
        }

        private JsonNode ref(String path, String name) {
            if (name.equals("AWS::NoValue")) {
                return null;
            }
            var pseudoValue = pseudo.value(name);
            if (pseudoValue.isPresent()) {
                return TextNode.valueOf(pseudoValue.get());
            }
            Parameter parameter = template.parameters().get(name);
            if (parameter != null) {
                return parameter(path, parameter);
            }
            Resource resource = template.resource(name).orElseThrow(() -> fail(path, "Ref to unknown resource " + name));
            return TextNode.valueOf(names.ref(resource).orElseThrow(() ->
                    fail(path, "Ref to " + name + ": no local value for a " + resource.type())));
        }

        private JsonNode parameter(String path, Parameter parameter) {
            String given = parameterValues.get(parameter.name());
            if (given == null && parameter.isSsmReference()) {
                throw fail(path, "Ref to " + parameter.name() + ": its value is read from SSM parameter "
                        + parameter.defaultValue().map(JsonNode::asText).orElse("?") + " at deploy time, and none was given");
            }
            String value = given != null ? given : parameter.defaultValue().map(JsonNode::asText).orElseThrow(() ->
                    fail(path, "Ref to parameter " + parameter.name() + ", which has no default and no value"));
            if (parameter.type().equals("CommaDelimitedList") || parameter.type().startsWith("List<")) {
                ArrayNode list = JSON.createArrayNode();
                for (String item : value.split(",", -1)) {
                    list.add(item.strip());
                }
                return list;
            }
            return TextNode.valueOf(value);
        }

        private JsonNode getAtt(String path, JsonNode argument) {
            String id;
            String attribute;
            if (argument.isTextual()) {
                // "Id.Attr": the id has no dots, an attribute may (Endpoint.Address), so split at the first one.
                int dot = argument.asText().indexOf('.');
                if (dot < 0) {
                    throw fail(path, "Fn::GetAtt " + argument.asText() + " is neither [id, attribute] nor \"id.attribute\"");
                }
                id = argument.asText().substring(0, dot);
                attribute = argument.asText().substring(dot + 1);
            } else if (argument.isArray() && argument.size() == 2) {
                id = argument.get(0).asText();
                attribute = string(path, "Fn::GetAtt attribute", argument.get(1));
            } else {
                throw fail(path, "Fn::GetAtt takes [id, attribute] or \"id.attribute\", not " + argument);
            }
            return TextNode.valueOf(attribute(path, id, attribute));
        }

        private String attribute(String path, String id, String attribute) {
            Resource resource = template.resource(id).orElseThrow(() ->
                    fail(path, "Fn::GetAtt to unknown resource " + id));
            return names.attribute(resource, attribute).orElseThrow(() -> fail(path,
                    "Fn::GetAtt " + id + "." + attribute + ": no local value for attribute " + attribute + " of a " + resource.type()));
        }

        private JsonNode join(String path, JsonNode argument) {
            JsonNode list = arguments(path, "Fn::Join", argument, 2);
            String delimiter = string(path, "Fn::Join delimiter", list.get(0));
            JsonNode items = argument(path, list.get(1));
            if (items == null || !items.isArray()) {
                throw fail(path, "Fn::Join needs a list to join, got " + items);
            }
            StringBuilder joined = new StringBuilder();
            for (int i = 0; i < items.size(); i++) {
                joined.append(i == 0 ? "" : delimiter).append(scalar(path, "Fn::Join element", items.get(i)));
            }
            return TextNode.valueOf(joined.toString());
        }

        private JsonNode select(String path, JsonNode argument) {
            JsonNode list = arguments(path, "Fn::Select", argument, 2);
            String indexText = scalar(path, "Fn::Select index", argument(path, list.get(0)));
            JsonNode items = argument(path, list.get(1));
            if (items == null || !items.isArray()) {
                throw fail(path, "Fn::Select needs a list to select from, got " + items);
            }
            int index;
            try {
                index = Integer.parseInt(indexText);
            } catch (NumberFormatException e) {
                throw fail(path, "Fn::Select index " + indexText + " is not a number");
            }
            if (index < 0 || index >= items.size()) {
                throw fail(path, "Fn::Select index " + index + " is outside " + items);
            }
            return items.get(index);
        }

        private JsonNode split(String path, JsonNode argument) {
            JsonNode list = arguments(path, "Fn::Split", argument, 2);
            String delimiter = string(path, "Fn::Split delimiter", list.get(0));
            String source = string(path, "Fn::Split source", list.get(1));
            ArrayNode parts = JSON.createArrayNode();
            for (String part : source.split(Pattern.quote(delimiter), -1)) {   // -1: empty parts count, as in CloudFormation
                parts.add(part);
            }
            return parts;
        }

        private JsonNode sub(String path, JsonNode argument) {
            String text;
            Map<String, String> variables = new HashMap<>();
            if (argument.isTextual()) {
                text = argument.asText();
            } else {
                JsonNode list = arguments(path, "Fn::Sub", argument, 2);
                text = list.get(0).asText();
                list.get(1).properties().forEach(v ->
                        variables.put(v.getKey(), string(path, "Fn::Sub variable " + v.getKey(), v.getValue())));
            }
            StringBuilder out = new StringBuilder();
            int at = 0;
            while (true) {
                int start = text.indexOf("${", at);
                if (start < 0) {
                    return TextNode.valueOf(out.append(text, at, text.length()).toString());
                }
                int end = text.indexOf('}', start);
                if (end < 0) {
                    throw fail(path, "Fn::Sub has an unclosed ${ in " + text);
                }
                out.append(text, at, start);
                String name = text.substring(start + 2, end);
                if (name.startsWith("!")) {
                    out.append("${").append(name, 1, name.length()).append('}');   // ${!Literal} writes ${Literal}
                } else if (variables.containsKey(name)) {
                    out.append(variables.get(name));
                } else if (name.contains(".")) {
                    int dot = name.indexOf('.');
                    out.append(attribute(path, name.substring(0, dot), name.substring(dot + 1)));
                } else {
                    out.append(scalar(path, "Fn::Sub ${" + name + "}", ref(path, name)));
                }
                at = end + 1;
            }
        }

        private JsonNode arguments(String path, String function, JsonNode argument, int count) {
            if (!argument.isArray() || argument.size() != count) {
                throw fail(path, function + " takes a list of " + count + ", not " + argument);
            }
            return argument;
        }

        /** A value that must come out as one string (a text, or an intrinsic that gives one). */
        private String string(String path, String what, JsonNode node) {
            return scalar(path, what, argument(path, node));
        }

        private String scalar(String path, String what, JsonNode resolved) {
            if (resolved == null || !(resolved.isTextual() || resolved.isNumber() || resolved.isBoolean())) {
                throw fail(path, what + " must be a string, got " + (resolved == null ? "AWS::NoValue" : resolved));
            }
            return resolved.asText();
        }

        private UnresolvableIntrinsic fail(String path, String reason) {
            return new UnresolvableIntrinsic(logicalId, path, reason);
        }
    }
}
