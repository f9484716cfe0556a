package dev.inferbus.local.iam.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.local.iam.AccessRequest;
import dev.inferbus.local.iam.Principal;
import dev.inferbus.local.iam.policy.PolicySources.ResolvedResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code iam/resolved-template.json} (the synthesized template's IAM side, resolved by hand) as {@link PolicySources}. */
final class TemplateFixture {

    static final String ACCOUNT = "000000000000";

    private TemplateFixture() {
    }

    static PolicySources sources(ResolvedResource... extra) {
        JsonNode fixture = Json.resource("/iam/resolved-template.json");
        List<ResolvedResource> resources = new ArrayList<>();
        fixture.path("Resources").forEach(r -> resources.add(new ResolvedResource(r.path("LogicalId").asText(),
                r.path("Type").asText(), r.path("Properties"))));
        resources.addAll(List.of(extra));
        JsonNode arns = fixture.path("Arns");
        return new PolicySources(fixture.path("Account").asText(), resources,
                logicalId -> {
                    if (!arns.has(logicalId)) {
                        throw new IllegalArgumentException("no ARN for " + logicalId);
                    }
                    return arns.path(logicalId).asText();
                },
                // ElasticMQ's URL form: http://host:port/ACCOUNT/NAME.
                url -> "arn:aws:sqs:us-east-1:" + ACCOUNT + ":" + url.substring(url.lastIndexOf('/') + 1));
    }

    static IamModel model() {
        return IamModel.build(sources());
    }

    static Principal role(String name) {
        return Principal.roleSession(ACCOUNT, name, "session-1");
    }

    static AccessRequest request(Principal principal, String action, String resource, Map<String, String> context) {
        return new AccessRequest(principal, action, resource, context);
    }

    /** A request over HTTPS, as the local cloud's gateway sends them. */
    static AccessRequest request(Principal principal, String action, String resource) {
        return request(principal, action, resource, Map.of("aws:SecureTransport", "true"));
    }
}
