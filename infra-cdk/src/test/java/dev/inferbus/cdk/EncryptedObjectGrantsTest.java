package dev.inferbus.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Whoever the template lets read or write objects that are encrypted with a KMS key must be able to use that key:
 * S3 asks KMS for a data key on an SSE-KMS upload and to decrypt it on a download, as the caller, so a role with
 * {@code s3:GetObject} but no {@code kms:Decrypt} gets AccessDenied in AWS ("To upload an object encrypted with an
 * AWS KMS key to Amazon S3, you need kms:GenerateDataKey permissions on the key. To download an object encrypted
 * with an AWS KMS key, you need kms:Decrypt permissions", https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html).
 * The local cloud does not enforce KMS on S3 objects, so only this test sees the gap.
 *
 * <p>Which objects are encrypted with which key is read from the template (SageMaker asynchronous outputs, bucket
 * default encryption), and so are the grants: role policies (honoured only where the key policy enables IAM
 * policies for the account) and key policy statements naming the role.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EncryptedObjectGrantsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private JsonNode resources;

    /** What an S3 object action needs of the object's key. */
    enum Access {
        READ("s3:GetObject", "kms:Decrypt"),
        WRITE("s3:PutObject", "kms:GenerateDataKey");

        final String s3Action;
        final String kmsAction;

        Access(String s3Action, String kmsAction) {
            this.s3Action = s3Action;
            this.kmsAction = kmsAction;
        }
    }

    /** Objects under {@code bucket/prefix} are encrypted with {@code key}, as {@code source} says. */
    record EncryptedLocation(String bucket, String prefix, String key, String source) {
        String path() {
            return bucket + "/" + prefix;
        }
    }

    /** {@code role} may do {@code access} on the objects matching {@code pattern} ({@code bucket/key glob}). */
    record ObjectGrant(String role, Access access, String pattern, String policy) {
    }

    /** One Allow statement and the roles it applies to; {@code keyPolicyOf} is the key whose policy holds it, or null. */
    record Statement(List<String> roles, List<String> principals, List<String> actions, List<String> resources, String keyPolicyOf,
                     String origin) {
    }

    @BeforeAll
    void synthesizeOnce() throws Exception {
        resources = JSON.valueToTree(Synthesized.sample().template.toJSON()).path("Resources");
    }

    @Test
    void everyRoleThatReadsOrWritesKmsEncryptedObjectsMayUseTheirKey() {
        List<EncryptedLocation> encrypted = encryptedLocations();
        assertThat(encrypted).as("the async endpoint's outputs and failures are KMS-encrypted")
                .extracting(EncryptedLocation::prefix).contains(GpuInference.ASYNC_OUTPUT_PREFIX, GpuInference.ASYNC_FAILURE_PREFIX);
        List<Statement> statements = statements();
        List<String> checked = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (ObjectGrant grant : objectGrants(statements)) {
            for (EncryptedLocation location : locationsCovering(grant.pattern(), encrypted)) {
                checked.add(grant.role() + " " + grant.access() + " " + location.path());
                if (!mayUseKey(grant.role(), grant.access().kmsAction, location.key(), statements)) {
                    missing.add(grant.role() + " may " + grant.access().s3Action + " " + grant.pattern() + " (" + grant.policy()
                            + ") but not " + grant.access().kmsAction + " on " + location.key() + ", which encrypts "
                            + location.path() + " (" + location.source() + ")");
                }
            }
        }
        assertThat(checked).as("grants on encrypted objects").anyMatch(c -> c.contains(" READ ")).anyMatch(c -> c.contains(" WRITE "));
        assertThat(missing).as("roles that S3 would answer AccessDenied").isEmpty();
    }

    /** Where the template says objects are written under a KMS key. */
    private List<EncryptedLocation> encryptedLocations() {
        List<EncryptedLocation> out = new ArrayList<>();
        resources.properties().forEach(entry -> {
            String id = entry.getKey();
            JsonNode properties = entry.getValue().path("Properties");
            switch (entry.getValue().path("Type").asText()) {
                case "AWS::SageMaker::EndpointConfig" -> {
                    // https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AsyncInferenceOutputConfig.html: KmsKeyId
                    // is "the key that SageMaker uses to encrypt the asynchronous inference output in Amazon S3"
                    JsonNode output = properties.path("AsyncInferenceConfig").path("OutputConfig");
                    if (output.has("KmsKeyId")) {
                        String key = keyOf(output.get("KmsKeyId"));
                        for (String path : List.of("S3OutputPath", "S3FailurePath")) {
                            if (output.has(path)) {
                                String location = render(output.get(path)).replaceFirst("^(s3|https)://", "");
                                String[] bucketAndPrefix = location.split("/", 2);
                                out.add(new EncryptedLocation(bucketAndPrefix[0], bucketAndPrefix.length > 1 ? bucketAndPrefix[1] : "", key,
                                        id + " " + path));
                            }
                        }
                    }
                }
                case "AWS::S3::Bucket" -> {
                    for (JsonNode rule : properties.path("BucketEncryption").path("ServerSideEncryptionConfiguration")) {
                        JsonNode byDefault = rule.path("ServerSideEncryptionByDefault");
                        // without KMSMasterKeyID S3 uses the AWS managed key aws/s3, whose policy admits every principal of the account
                        if (byDefault.path("SSEAlgorithm").asText().startsWith("aws:kms") && byDefault.has("KMSMasterKeyID")) {
                            out.add(new EncryptedLocation("{" + id + "}", "", keyOf(byDefault.get("KMSMasterKeyID")), id + " default encryption"));
                        }
                    }
                }
                default -> {
                }
            }
        });
        return out;
    }

    /**
     * The encrypted locations holding objects that {@code pattern} matches. A bucket's default key yields to a
     * location's own key: an object under an explicitly encrypted prefix is not under the default.
     */
    private static List<EncryptedLocation> locationsCovering(String pattern, List<EncryptedLocation> encrypted) {
        String literal = pattern.split("[*?]", 2)[0];
        boolean wildcard = literal.length() < pattern.length();
        Predicate<EncryptedLocation> overlaps = l -> wildcard ? literal.startsWith(l.path()) || l.path().startsWith(literal)
                : pattern.startsWith(l.path());
        Predicate<EncryptedLocation> onlyUnderAnother = l -> l.prefix().isEmpty() && encrypted.stream()
                .anyMatch(o -> !o.prefix().isEmpty() && o.bucket().equals(l.bucket()) && literal.startsWith(o.path()));
        return encrypted.stream().filter(l -> pattern.equals("*") || overlaps.test(l)).filter(onlyUnderAnother.negate()).toList();
    }

    /** The S3 object grants of role policies, each action and resource apart. */
    private List<ObjectGrant> objectGrants(List<Statement> statements) {
        Map<String, String> deployed = bucketDeploymentPrefixes();
        List<ObjectGrant> out = new ArrayList<>();
        for (Statement statement : statements) {
            if (statement.keyPolicyOf() != null) {
                continue;
            }
            for (Access access : Access.values()) {
                if (statement.actions().stream().noneMatch(a -> matches(a, access.s3Action))) {
                    continue;
                }
                for (String resource : statement.resources()) {
                    objectPattern(resource).ifPresent(pattern -> statement.roles().forEach(role -> out.add(new ObjectGrant(role, access,
                            // CDK grants a bucket deployment's handler the whole destination bucket; it writes only under its prefix
                            deployed.getOrDefault(role + " " + pattern, pattern), statement.origin()))));
                }
            }
        }
        return out;
    }

    /** {@code "<handler role> <bucket>/*"} → {@code "<bucket>/<destination prefix>*"} for each CDK bucket deployment. */
    private Map<String, String> bucketDeploymentPrefixes() {
        Map<String, String> out = new LinkedHashMap<>();
        resources.properties().forEach(entry -> {
            JsonNode properties = entry.getValue().path("Properties");
            if (entry.getValue().path("Type").asText().equals("Custom::CDKBucketDeployment")) {
                String handler = logicalIdOf(render(properties.path("ServiceToken")));
                String role = logicalIdOf(render(resources.path(handler).path("Properties").path("Role")));
                String bucket = render(properties.path("DestinationBucketName"));
                out.put(role + " " + bucket + "/*", bucket + "/" + properties.path("DestinationBucketKeyPrefix").asText("") + "*");
            }
        });
        return out;
    }

    /** Whether {@code role} may do {@code kmsAction} with {@code key}, by its policies or by the key's policy. */
    private boolean mayUseKey(String role, String kmsAction, String key, List<Statement> statements) {
        // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam:
        // IAM policies count only where the key policy allows the account ("root") to use the key
        boolean iamEnabled = statements.stream().anyMatch(s -> key.equals(s.keyPolicyOf())
                && s.principals().stream().anyMatch(p -> p.endsWith(":root")) && s.actions().stream().anyMatch(a -> matches(a, kmsAction)));
        return statements.stream().anyMatch(s -> s.actions().stream().anyMatch(a -> matches(a, kmsAction))
                && (key.equals(s.keyPolicyOf())
                        ? s.principals().contains("{" + role + ".Arn}")
                        : iamEnabled && s.roles().contains(role) && s.resources().stream().anyMatch(r -> r.equals("*") || key.equals(keyOf(r)))));
    }

    /** Every Allow statement of the role policies and key policies in the template. */
    private List<Statement> statements() {
        List<Statement> out = new ArrayList<>();
        resources.properties().forEach(entry -> {
            String id = entry.getKey();
            JsonNode properties = entry.getValue().path("Properties");
            switch (entry.getValue().path("Type").asText()) {
                case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy" -> addStatements(out, properties.path("PolicyDocument"),
                        strings(properties.path("Roles")).stream().map(EncryptedObjectGrantsTest::logicalIdOf).toList(), null, id);
                case "AWS::IAM::Role" -> {
                    for (JsonNode inline : properties.path("Policies")) {
                        addStatements(out, inline.path("PolicyDocument"), List.of(id), null, id + " " + inline.path("PolicyName").asText());
                    }
                }
                case "AWS::KMS::Key" -> addStatements(out, properties.path("KeyPolicy"), List.of(), id, id + " key policy");
                default -> {
                }
            }
        });
        return out;
    }

    private static void addStatements(List<Statement> out, JsonNode document, List<String> roles, String keyPolicyOf, String origin) {
        for (JsonNode statement : document.path("Statement")) {
            if (statement.path("Effect").asText().equals("Allow")) {
                out.add(new Statement(roles, strings(statement.path("Principal").path("AWS")), strings(statement.path("Action")),
                        strings(statement.path("Resource")), keyPolicyOf, origin));
            }
        }
    }

    /** {@code bucket/key glob} of an S3 object ARN (or {@code *}), from the rendering of {@link #render}. */
    private Optional<String> objectPattern(String resource) {
        if (resource.equals("*")) {
            return Optional.of("*");
        }
        var templateBucket = Pattern.compile("\\{([^}.]+)\\.Arn}(/.*)").matcher(resource);
        if (templateBucket.matches() && resources.path(templateBucket.group(1)).path("Type").asText().equals("AWS::S3::Bucket")) {
            return Optional.of("{" + templateBucket.group(1) + "}" + templateBucket.group(2));
        }
        var literal = Pattern.compile("arn:[^:]+:s3:::([^/]+/.*)").matcher(resource);
        return literal.matches() ? Optional.of(literal.group(1)) : Optional.empty();
    }

    /** A KMS key as a rendered reference names it: its logical id when the template holds it, else the text. */
    private String keyOf(JsonNode reference) {
        return keyOf(render(reference));
    }

    private String keyOf(String rendered) {
        String id = logicalIdOf(rendered);
        return resources.path(id).path("Type").asText().equals("AWS::KMS::Key") ? id : rendered;
    }

    /** {@code {X}} or {@code {X.Attr}} → {@code X}. */
    private static String logicalIdOf(String rendered) {
        return rendered.replaceFirst("^\\{([^}.]+)(\\.[^}]+)?}$", "$1");
    }

    /** CloudFormation values as text: {@code {Ref X}} → {@code {X}}, {@code GetAtt X.A} → {@code {X.A}}, joins joined. */
    private static String render(JsonNode value) {
        if (value.has("Ref")) {
            String ref = value.get("Ref").asText();
            return ref.startsWith("AWS::") ? "${" + ref.substring("AWS::".length()) + "}" : "{" + ref + "}";
        }
        if (value.has("Fn::GetAtt")) {
            return "{" + value.get("Fn::GetAtt").get(0).asText() + "." + value.get("Fn::GetAtt").get(1).asText() + "}";
        }
        if (value.has("Fn::Join")) {
            List<String> parts = new ArrayList<>();
            value.get("Fn::Join").get(1).forEach(part -> parts.add(render(part)));
            return String.join(value.get("Fn::Join").get(0).asText(), parts);
        }
        if (value.has("Fn::Sub")) {
            return value.get("Fn::Sub").asText();
        }
        return value.asText();
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(render(n)));
        } else if (!node.isMissingNode()) {
            out.add(render(node));
        }
        return out;
    }

    /** IAM action matching: case-insensitive, {@code *} and {@code ?} as wildcards. */
    private static boolean matches(String granted, String action) {
        String regex = ("\\Q" + granted + "\\E").replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE).matcher(action).matches();
    }
}
