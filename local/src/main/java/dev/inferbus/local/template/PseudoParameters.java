package dev.inferbus.local.template;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The values of CloudFormation's pseudo parameters for one local stack. Partition and URL suffix are those of the
 * commercial regions, which is what the SDKs pointed at the local cloud assume.
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html)
 */
public record PseudoParameters(String stackName, String region, String accountId) {

    public static final String PARTITION = "aws";
    public static final String URL_SUFFIX = "amazonaws.com";

    public PseudoParameters {
        Objects.requireNonNull(stackName, "stackName");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(accountId, "accountId");
    }

    /** Real stack ids end in a random UUID; a name-derived one keeps every local run's ids the same. */
    public String stackId() {
        UUID id = UUID.nameUUIDFromBytes(("stack/" + stackName).getBytes(StandardCharsets.UTF_8));
        return arn("cloudformation", region, accountId, "stack/" + stackName + "/" + id);
    }

    /** {@code arn:aws:<service>:<region>:<account>:<resource>}; global services pass empty region or account. */
    public String arn(String service, String region, String account, String resource) {
        return "arn:" + PARTITION + ":" + service + ":" + region + ":" + account + ":" + resource;
    }

    /** An ARN in this stack's region and account. */
    public String arn(String service, String resource) {
        return arn(service, region, accountId, resource);
    }

    /** The value of {@code Ref} to a pseudo parameter, empty for a name that is not one (or AWS::NoValue). */
    public Optional<String> value(String name) {
        return Optional.ofNullable(switch (name) {
            case "AWS::Region" -> region;
            case "AWS::AccountId" -> accountId;
            case "AWS::Partition" -> PARTITION;
            case "AWS::URLSuffix" -> URL_SUFFIX;
            case "AWS::StackName" -> stackName;
            case "AWS::StackId" -> stackId();
            default -> null;
        });
    }
}
