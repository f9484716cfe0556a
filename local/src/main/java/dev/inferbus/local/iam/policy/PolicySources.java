package dev.inferbus.local.iam.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What {@link IamModel} reads from a deployed template, kept apart from the local cloud's deployment classes.
 *
 * @param account the account id the template is deployed to
 * @param resources the template's resources, their properties with every intrinsic resolved
 * @param arnOf a resource's ARN by logical id ({@code Fn::GetAtt [id, Arn]}); asked for roles and KMS keys
 * @param queueArnOf a queue's ARN by its URL, which is what a resolved {@code AWS::SQS::QueuePolicy} names (the URL's
 *     form is the local cloud's)
 */
public record PolicySources(String account, List<ResolvedResource> resources, Function<String, String> arnOf,
        Function<String, String> queueArnOf) {

    public PolicySources {
        Objects.requireNonNull(account, "account");
        resources = List.copyOf(resources);
        Objects.requireNonNull(arnOf, "arnOf");
        Objects.requireNonNull(queueArnOf, "queueArnOf");
    }

    /** One template resource with its resolved {@code Properties} (an empty object when it has none). */
    public record ResolvedResource(String logicalId, String type, JsonNode properties) {

        public ResolvedResource {
            Objects.requireNonNull(logicalId, "logicalId");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(properties, "properties");
        }
    }
}
