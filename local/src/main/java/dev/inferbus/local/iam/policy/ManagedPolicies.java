package dev.inferbus.local.iam.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The AWS managed policies the local cloud knows, shipped as data under {@code iam/managed-policies/NAME.json}: each
 * file holds the policy's ARN and its document as AWS publishes it. A template's other managed policies are not
 * guessed at: {@link IamModel} refuses them.
 */
final class ManagedPolicies {

    static final String ADMINISTRATOR_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess";

    private static final String AWS_MANAGED = "arn:aws:iam::aws:policy/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ManagedPolicies() {
    }

    /** The document of AWS managed policy {@code arn}, empty when it is not shipped. */
    static Optional<PolicyDocument> find(String arn) {
        if (!arn.startsWith(AWS_MANAGED)) {
            return Optional.empty();
        }
        String name = arn.substring(arn.lastIndexOf('/') + 1);
        try (InputStream in = ManagedPolicies.class.getResourceAsStream("/iam/managed-policies/" + name + ".json")) {
            if (in == null) {
                return Optional.empty();
            }
            JsonNode file = JSON.readTree(in);
            // A managed policy ARN includes its path (service-role/...): the same name under another path is no policy.
            if (!file.path("Arn").asText().equals(arn)) {
                return Optional.empty();
            }
            return Optional.of(PolicyDocument.parse(arn, file.path("PolicyDocument")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read managed policy " + arn, e);
        }
    }
}
