package dev.inferbus.local.iam.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.local.iam.AccessRequest;
import dev.inferbus.local.iam.Authorizer;
import dev.inferbus.local.iam.Decision;
import dev.inferbus.local.iam.policy.PolicySources.ResolvedResource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The template's policies, as the local cloud enforces them: each role's identity policies (inline {@code Policies},
 * {@code ManagedPolicyArns}, and the {@code AWS::IAM::Policy} resources naming it) and the resource policies of
 * buckets, queues, topics and KMS keys. An administrator caller holds {@code AdministratorAccess}; a service caller
 * holds nothing, so only resource policies can let it in.
 */
public final class IamModel implements Authorizer {

    /** The resource types whose policies the model reads; {@link PolicySources} need hold no others. */
    public static final Set<String> READS = Set.of("AWS::IAM::Role", "AWS::IAM::Policy", "AWS::S3::BucketPolicy",
            "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy", "AWS::KMS::Key");

    private static final String S3_ARN = "arn:aws:s3:::";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, List<PolicyDocument>> identityPolicies;
    private final Map<String, List<PolicyDocument>> resourcePolicies;
    private final List<PolicyDocument> administrator;
    private final List<Unevaluable> unevaluable;

    private IamModel(Map<String, List<PolicyDocument>> identityPolicies,
            Map<String, List<PolicyDocument>> resourcePolicies, List<PolicyDocument> administrator) {
        this.identityPolicies = identityPolicies;
        this.resourcePolicies = resourcePolicies;
        this.administrator = administrator;
        Set<PolicyDocument> all = new LinkedHashSet<>();
        identityPolicies.values().forEach(all::addAll);
        resourcePolicies.values().forEach(all::addAll);
        this.unevaluable = all.stream().flatMap(policy -> policy.statements().stream()
                .flatMap(statement -> statement.conditions().stream()
                        .flatMap(condition -> condition.problem().stream()
                                .map(problem -> new Unevaluable(policy.name(), statement.label(), condition.operator(),
                                        condition.key(), problem)))))
                .toList();
    }

    /**
     * Reads the policies of {@code sources}. Fails on a malformed policy document and on a managed policy ARN whose
     * document is not shipped with the local cloud (naming the role and the ARN).
     */
    public static IamModel build(PolicySources sources) {
        Map<String, List<PolicyDocument>> identity = new LinkedHashMap<>();
        Map<String, String> roleArnByName = new LinkedHashMap<>();
        for (ResolvedResource role : ofType(sources, "AWS::IAM::Role")) {
            String arn = sources.arnOf().apply(role.logicalId());
            roleArnByName.put(arn.substring(arn.lastIndexOf('/') + 1), arn);
            identity.put(arn, rolePolicies(role, arn));
        }
        Map<String, List<PolicyDocument>> resource = new LinkedHashMap<>();
        for (ResolvedResource r : sources.resources()) {
            JsonNode properties = r.properties();
            switch (r.type()) {
                case "AWS::IAM::Policy" -> {
                    PolicyDocument policy = document(r.logicalId(), properties, "PolicyDocument");
                    // A role the template does not define is still named by the policy: attach to its plain ARN.
                    for (JsonNode name : properties.path("Roles")) {
                        String arn = roleArnByName.getOrDefault(name.asText(),
                                "arn:aws:iam::" + sources.account() + ":role/" + name.asText());
                        add(identity, arn, policy);
                    }
                }
                case "AWS::S3::BucketPolicy" -> add(resource, S3_ARN + properties.path("Bucket").asText(),
                        document(r.logicalId(), properties, "PolicyDocument"));
                case "AWS::SQS::QueuePolicy" -> {
                    PolicyDocument policy = document(r.logicalId(), properties, "PolicyDocument");
                    properties.path("Queues").forEach(url -> add(resource, sources.queueArnOf().apply(url.asText()), policy));
                }
                case "AWS::SNS::TopicPolicy" -> {
                    PolicyDocument policy = document(r.logicalId(), properties, "PolicyDocument");
                    properties.path("Topics").forEach(arn -> add(resource, arn.asText(), policy));
                }
                case "AWS::KMS::Key" -> add(resource, sources.arnOf().apply(r.logicalId()),
                        properties.has("KeyPolicy") ? document(r.logicalId(), properties, "KeyPolicy")
                                : defaultKeyPolicy(r.logicalId(), sources.account()));
                default -> {
                }
            }
        }
        PolicyDocument administratorAccess = ManagedPolicies.find(ManagedPolicies.ADMINISTRATOR_ACCESS).orElseThrow();
        return new IamModel(freeze(identity), freeze(resource), List.of(administratorAccess));
    }

    /** A role's inline {@code Policies} and its {@code ManagedPolicyArns}. */
    private static List<PolicyDocument> rolePolicies(ResolvedResource role, String arn) {
        List<PolicyDocument> policies = new ArrayList<>();
        for (JsonNode inline : role.properties().path("Policies")) {
            // Inline policy names are unique per role only.
            policies.add(PolicyDocument.parse(role.logicalId() + "/" + inline.path("PolicyName").asText(),
                    inline.path("PolicyDocument")));
        }
        for (JsonNode managed : role.properties().path("ManagedPolicyArns")) {
            policies.add(ManagedPolicies.find(managed.asText()).orElseThrow(() -> new IllegalArgumentException(
                    "role " + role.logicalId() + " (" + arn + ") attaches managed policy " + managed.asText()
                            + ", whose document the local cloud does not ship (local/src/main/resources/iam/managed-policies/)")));
        }
        return policies;
    }

    @Override
    public Decision authorize(AccessRequest request) {
        List<PolicyDocument> identity = switch (request.principal().kind()) {
            case ADMIN -> administrator;
            case ROLE -> identityPolicies.getOrDefault(request.principal().arn(), List.of());
            case SERVICE -> List.of();
        };
        List<PolicyDocument> resource = resourcePolicies.getOrDefault(policyTarget(request.resource()), List.of());
        return PolicyEvaluator.evaluate(request, identity, resource, isKmsKey(request.resource()));
    }

    /** The ARNs of the roles that hold identity policies. */
    public Set<String> roleArns() {
        return identityPolicies.keySet();
    }

    /** A role's identity policies, empty for a role the template gives none. */
    public List<PolicyDocument> identityPolicies(String roleArn) {
        return identityPolicies.getOrDefault(roleArn, List.of());
    }

    /** What a role's identity policies allow, as (action pattern, resource pattern) pairs; see {@link Grant}. */
    public List<Grant> grants(String roleArn) {
        List<Grant> grants = new ArrayList<>();
        for (PolicyDocument policy : identityPolicies(roleArn)) {
            for (Statement s : policy.statements()) {
                if (s.effect() != Effect.ALLOW || s.actions().negated() || s.resources().negated()) {
                    continue;
                }
                for (String action : s.actions().values()) {
                    for (String resource : s.resources().values()) {
                        grants.add(new Grant(action, resource, !s.conditions().isEmpty(), policy.name(), s.label()));
                    }
                }
            }
        }
        return grants;
    }

    /** The statements with a condition the local cloud cannot always evaluate, each condition once. */
    public List<Unevaluable> unevaluable() {
        return unevaluable;
    }

    /** The ARN a resource's policies are filed under: an S3 object's requests take its bucket's policy. */
    private static String policyTarget(String resourceArn) {
        if (resourceArn.startsWith(S3_ARN)) {
            int slash = resourceArn.indexOf('/');
            return slash < 0 ? resourceArn : resourceArn.substring(0, slash);
        }
        return resourceArn;
    }

    /** {@code arn:PARTITION:kms:REGION:ACCOUNT:key/ID}: requests on it need its key policy to allow. */
    private static boolean isKmsKey(String resourceArn) {
        String[] parts = resourceArn.split(":", 6);
        return parts.length == 6 && parts[2].equals("kms") && parts[5].startsWith("key/");
    }

    /**
     * The key policy AWS KMS gives a key created without one: the account may use IAM policies for every KMS action
     * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
     */
    private static PolicyDocument defaultKeyPolicy(String keyLogicalId, String account) {
        ObjectNode statement = JSON.createObjectNode().put("Sid", "Enable IAM User Permissions").put("Effect", "Allow")
                .put("Action", "kms:*").put("Resource", "*");
        statement.putObject("Principal").put("AWS", "arn:aws:iam::" + account + ":root");
        return PolicyDocument.parse(keyLogicalId + " (default key policy)",
                JSON.createObjectNode().set("Statement", statement));
    }

    private static PolicyDocument document(String name, JsonNode properties, String property) {
        return PolicyDocument.parse(name, properties.path(property));
    }

    private static List<ResolvedResource> ofType(PolicySources sources, String type) {
        return sources.resources().stream().filter(r -> r.type().equals(type)).toList();
    }

    private static void add(Map<String, List<PolicyDocument>> byArn, String arn, PolicyDocument policy) {
        byArn.computeIfAbsent(arn, any -> new ArrayList<>()).add(policy);
    }

    private static Map<String, List<PolicyDocument>> freeze(Map<String, List<PolicyDocument>> byArn) {
        Map<String, List<PolicyDocument>> frozen = new LinkedHashMap<>();
        byArn.forEach((arn, policies) -> frozen.put(arn, List.copyOf(policies)));
        return Collections.unmodifiableMap(frozen);
    }
}
