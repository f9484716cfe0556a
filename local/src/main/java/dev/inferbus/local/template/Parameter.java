package dev.inferbus.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;

/**
 * A template parameter. CDK's only one is {@code BootstrapVersion}, typed
 * {@code AWS::SSM::Parameter::Value<String>}: its default is the <em>name</em> of an SSM parameter, not a value,
 * which is why {@link #isSsmReference()} matters to whoever resolves a {@code Ref} to it.
 */
public record Parameter(String name, String type, Optional<JsonNode> defaultValue) {

    public Parameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
    }

    /** CloudFormation reads these from Parameter Store at deploy time; the default only names the SSM parameter. */
    public boolean isSsmReference() {
        return type.startsWith("AWS::SSM::Parameter::Value<");
    }
}
