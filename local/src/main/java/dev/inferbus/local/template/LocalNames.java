package dev.inferbus.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The local cloud's physical names, and what {@code Ref}/{@code Fn::GetAtt} return for them, following each type's
 * "Return values" section of the CloudFormation resource reference,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-&lt;service&gt;-&lt;type&gt;.html
 * (for instance aws-resource-sqs-queue.html#aws-resource-sqs-queue-return-values: Ref is the queue URL).
 *
 * <p>A resource's name is the naming property the template gives it ({@code TableName}, {@code QueueName}, ...,
 * itself possibly an intrinsic), otherwise {@code <stack>-<logicalId>} made valid for the service
 * ({@link NameRule}). Everything is derived from the stack name and logical ids, never random, so a restarted local
 * cloud gets the same names for the same template. The SQS URL form is the caller's: it depends on the local
 * endpoint.
 */
public final class LocalNames implements PhysicalNames {

    /** The property that names a resource, where the type has one. */
    private static final Map<String, String> NAME_PROPERTIES = Map.ofEntries(
            Map.entry("AWS::DynamoDB::Table", "TableName"),
            Map.entry("AWS::SQS::Queue", "QueueName"),
            Map.entry("AWS::S3::Bucket", "BucketName"),
            Map.entry("AWS::Kinesis::Stream", "Name"),
            Map.entry("AWS::Events::EventBus", "Name"),
            Map.entry("AWS::Events::Rule", "Name"),
            Map.entry("AWS::Events::Archive", "ArchiveName"),
            Map.entry("AWS::Lambda::Function", "FunctionName"),
            Map.entry("AWS::Lambda::Alias", "Name"),
            Map.entry("AWS::Lambda::LayerVersion", "LayerName"),
            Map.entry("AWS::SNS::Topic", "TopicName"),
            Map.entry("AWS::SageMaker::Model", "ModelName"),
            Map.entry("AWS::SageMaker::EndpointConfig", "EndpointConfigName"),
            Map.entry("AWS::SageMaker::Endpoint", "EndpointName"),
            Map.entry("AWS::IAM::Role", "RoleName"),
            Map.entry("AWS::IAM::Policy", "PolicyName"),
            Map.entry("AWS::CloudWatch::Alarm", "AlarmName"),
            Map.entry("AWS::CloudWatch::Dashboard", "DashboardName"));

    /** Each service's limits on a name (its API reference's length and pattern constraints). */
    private static final Map<String, NameRule> NAME_RULES = Map.ofEntries(
            Map.entry("AWS::S3::Bucket", NameRule.lowerCase(63, "[^a-z0-9-]")),
            Map.entry("AWS::SQS::Queue", NameRule.of(80, "[^A-Za-z0-9_-]")),
            Map.entry("AWS::Lambda::Function", NameRule.of(64, "[^A-Za-z0-9_-]")),
            Map.entry("AWS::Lambda::LayerVersion", NameRule.of(140, "[^A-Za-z0-9_-]")),
            Map.entry("AWS::DynamoDB::Table", NameRule.of(255, "[^A-Za-z0-9_.-]")),
            Map.entry("AWS::Kinesis::Stream", NameRule.of(128, "[^A-Za-z0-9_.-]")),
            Map.entry("AWS::Events::EventBus", NameRule.of(256, "[^A-Za-z0-9/_.-]")),
            Map.entry("AWS::Events::Rule", NameRule.of(64, "[^A-Za-z0-9_.-]")),
            Map.entry("AWS::Events::Archive", NameRule.of(48, "[^A-Za-z0-9_.-]")),
            Map.entry("AWS::SNS::Topic", NameRule.of(256, "[^A-Za-z0-9_-]")),
            Map.entry("AWS::IAM::Role", NameRule.of(64, "[^A-Za-z0-9+=,.@_-]")),
            Map.entry("AWS::IAM::Policy", NameRule.of(128, "[^A-Za-z0-9+=,.@_-]")),
            Map.entry("AWS::SageMaker::Model", NameRule.of(63, "[^A-Za-z0-9-]")),
            Map.entry("AWS::SageMaker::EndpointConfig", NameRule.of(63, "[^A-Za-z0-9-]")),
            Map.entry("AWS::SageMaker::Endpoint", NameRule.of(63, "[^A-Za-z0-9-]")),
            Map.entry("AWS::CloudWatch::Dashboard", NameRule.of(255, "[^A-Za-z0-9_-]")));

    private static final NameRule ANY_OTHER = NameRule.of(255, "[^A-Za-z0-9_.-]");

    private final Template template;
    private final PseudoParameters pseudo;
    private final Function<String, String> queueUrlForName;
    // Names are computed on first use: a naming property may be an intrinsic that needs other resources' names.
    private final Map<String, String> names = new HashMap<>();
    private final Set<String> naming = new HashSet<>();

    public LocalNames(Template template, PseudoParameters pseudo, Function<String, String> queueUrlForName) {
        this.template = Objects.requireNonNull(template, "template");
        this.pseudo = Objects.requireNonNull(pseudo, "pseudo");
        this.queueUrlForName = Objects.requireNonNull(queueUrlForName, "queueUrlForName");
    }

    public PseudoParameters pseudoParameters() {
        return pseudo;
    }

    /** The resource's physical name (for an alias, the alias name; for a KMS key, which has none, the generated one). */
    public synchronized String name(Resource resource) {
        String known = names.get(resource.logicalId());
        if (known != null) {
            return known;
        }
        if (!naming.add(resource.logicalId())) {
            throw new UnresolvableIntrinsic(resource.logicalId(), NAME_PROPERTIES.getOrDefault(resource.type(), ""),
                    "its name depends on itself");
        }
        try {
            String name = computeName(resource);
            names.put(resource.logicalId(), name);
            return name;
        } finally {
            naming.remove(resource.logicalId());
        }
    }

    public String name(String logicalId) {
        return name(template.resource(logicalId).orElseThrow(() ->
                new IllegalArgumentException("no resource " + logicalId + " in the template")));
    }

    @Override
    public Optional<String> ref(Resource resource) {
        return Optional.of(switch (resource.type()) {
            case "AWS::SQS::Queue" -> queueUrlForName.apply(name(resource));
            case "AWS::SNS::Topic", "AWS::Lambda::Version", "AWS::Lambda::Alias", "AWS::Lambda::LayerVersion",
                 "AWS::SageMaker::Model", "AWS::SageMaker::EndpointConfig", "AWS::SageMaker::Endpoint" ->
                    arn(resource).orElseThrow();
            case "AWS::KMS::Key", "AWS::Lambda::EventSourceMapping" -> uuid(resource);
            case "AWS::SNS::Subscription" -> subscriptionArn(resource);
            // Tables, streams, buckets, buses, rules, archives, functions, roles, policies, alarms: the name.
            // Types with no name of their own (queue policies, permissions, ...) get the generated one, like the
            // physical id CloudFormation would make up.
            default -> name(resource);
        });
    }

    @Override
    public Optional<String> attribute(Resource resource, String attribute) {
        String type = resource.type();
        if (attribute.equals("Arn") && Set.of("AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::Kinesis::Stream",
                "AWS::S3::Bucket", "AWS::Events::EventBus", "AWS::Events::Rule", "AWS::Events::Archive",
                "AWS::Lambda::Function", "AWS::KMS::Key", "AWS::IAM::Role", "AWS::CloudWatch::Alarm").contains(type)) {
            return arn(resource);
        }
        return Optional.ofNullable(switch (type + "." + attribute) {
            case "AWS::SQS::Queue.QueueName", "AWS::Events::EventBus.Name", "AWS::SNS::Topic.TopicName",
                 "AWS::SageMaker::Model.ModelName", "AWS::SageMaker::EndpointConfig.EndpointConfigName",
                 "AWS::SageMaker::Endpoint.EndpointName" -> name(resource);
            case "AWS::SQS::Queue.QueueUrl" -> queueUrlForName.apply(name(resource));
            case "AWS::S3::Bucket.DomainName" -> name(resource) + ".s3." + PseudoParameters.URL_SUFFIX;
            case "AWS::S3::Bucket.RegionalDomainName" ->
                    name(resource) + ".s3." + pseudo.region() + "." + PseudoParameters.URL_SUFFIX;
            case "AWS::S3::Bucket.DualStackDomainName" ->
                    name(resource) + ".s3.dualstack." + pseudo.region() + "." + PseudoParameters.URL_SUFFIX;
            case "AWS::SNS::Topic.TopicArn", "AWS::Lambda::Alias.AliasArn", "AWS::Lambda::Version.FunctionArn",
                 "AWS::Lambda::LayerVersion.LayerVersionArn" -> arn(resource).orElseThrow();
            case "AWS::Lambda::Version.Version" -> Integer.toString(versionNumber(resource));
            case "AWS::KMS::Key.KeyId", "AWS::Lambda::EventSourceMapping.Id" -> uuid(resource);
            case "AWS::IAM::Role.RoleId" -> "AROA" + hash(resource.logicalId()).substring(0, 17).toUpperCase(Locale.ROOT);
            default -> null;
        });
    }

    private String computeName(Resource resource) {
        String property = NAME_PROPERTIES.get(resource.type());
        if (property != null && resource.properties().has(property)) {
            JsonNode given = intrinsics().resolve(resource.logicalId(), property, resource.property(property));
            if (!given.isTextual() || given.asText().isEmpty()) {
                throw new UnresolvableIntrinsic(resource.logicalId(), property, "a name must be a string, got " + given);
            }
            return given.asText();
        }
        // FIFO queues and topics must be named *.fifo; CloudFormation's generated names keep the suffix too.
        boolean fifo = resource.property("FifoQueue").asBoolean(false) || resource.property("FifoTopic").asBoolean(false);
        return NAME_RULES.getOrDefault(resource.type(), ANY_OTHER)
                .generate(pseudo.stackName(), resource.logicalId(), fifo ? ".fifo" : "");
    }

    /** The ARN in each service's own form; empty for types that have none here. */
    private Optional<String> arn(Resource resource) {
        return Optional.ofNullable(switch (resource.type()) {
            case "AWS::DynamoDB::Table" -> pseudo.arn("dynamodb", "table/" + name(resource));
            case "AWS::SQS::Queue" -> pseudo.arn("sqs", name(resource));
            case "AWS::Kinesis::Stream" -> pseudo.arn("kinesis", "stream/" + name(resource));
            case "AWS::S3::Bucket" -> pseudo.arn("s3", "", "", name(resource));   // bucket ARNs are global
            case "AWS::Events::EventBus" -> pseudo.arn("events", "event-bus/" + name(resource));
            case "AWS::Events::Rule" -> ruleArn(resource);
            case "AWS::Events::Archive" -> pseudo.arn("events", "archive/" + name(resource));
            case "AWS::Lambda::Function" -> functionArn(name(resource));
            case "AWS::Lambda::Version" -> functionArn(functionOf(resource)) + ":" + versionNumber(resource);
            case "AWS::Lambda::Alias" -> functionArn(functionOf(resource)) + ":" + name(resource);
            case "AWS::Lambda::LayerVersion" ->
                    pseudo.arn("lambda", "layer:" + name(resource) + ":" + layerVersionNumber(resource));
            case "AWS::SNS::Topic" -> pseudo.arn("sns", name(resource));
            case "AWS::KMS::Key" -> pseudo.arn("kms", "key/" + uuid(resource));
            case "AWS::IAM::Role" -> pseudo.arn("iam", "", pseudo.accountId(), "role"   // IAM is global
                    + (resource.properties().has("Path") ? resolvedString(resource, "Path") : "/") + name(resource));
            // SageMaker writes the names in its ARNs in lower case.
            case "AWS::SageMaker::Model" -> pseudo.arn("sagemaker", "model/" + lower(name(resource)));
            case "AWS::SageMaker::EndpointConfig" -> pseudo.arn("sagemaker", "endpoint-config/" + lower(name(resource)));
            case "AWS::SageMaker::Endpoint" -> pseudo.arn("sagemaker", "endpoint/" + lower(name(resource)));
            case "AWS::CloudWatch::Alarm" -> pseudo.arn("cloudwatch", "alarm:" + name(resource));
            default -> null;
        });
    }

    private String functionArn(String functionName) {
        return pseudo.arn("lambda", "function:" + functionName);
    }

    /** A rule on a custom bus has the bus in its ARN: rule/&lt;bus&gt;/&lt;rule&gt;. */
    private String ruleArn(Resource rule) {
        String bus = rule.properties().has("EventBusName")
                ? resolvedString(rule, "EventBusName") : "default";
        bus = bus.substring(bus.lastIndexOf('/') + 1);   // the property may hold the bus's ARN
        return pseudo.arn("events", "rule/" + (bus.equals("default") ? "" : bus + "/") + name(rule));
    }

    /**
     * A version's number: CloudFormation publishes each Version resource of a function as the next number, and a
     * fresh local deployment publishes them all, in template order, starting at 1.
     */
    private int versionNumber(Resource version) {
        String function = functionOf(version);
        int number = 0;
        for (Resource other : template.ofType(version.type())) {
            if (functionOf(other).equals(function)) {
                number++;
            }
            if (other.logicalId().equals(version.logicalId())) {
                return number;
            }
        }
        throw new IllegalStateException(version.logicalId() + " is not in the template");
    }

    private int layerVersionNumber(Resource layer) {
        int number = 0;
        for (Resource other : template.ofType(layer.type())) {
            if (name(other).equals(name(layer))) {
                number++;
            }
            if (other.logicalId().equals(layer.logicalId())) {
                return number;
            }
        }
        throw new IllegalStateException(layer.logicalId() + " is not in the template");
    }

    /** The function a Version or Alias belongs to: its FunctionName, which may be a name or an ARN. */
    private String functionOf(Resource versionOrAlias) {
        String function = resolvedString(versionOrAlias, "FunctionName");
        if (function.startsWith("arn:")) {
            String[] parts = function.split(":");
            return parts.length > 6 ? parts[6] : function;
        }
        return function;
    }

    private String subscriptionArn(Resource subscription) {
        return resolvedString(subscription, "TopicArn") + ":" + uuid(subscription);
    }

    private String resolvedString(Resource resource, String property) {
        JsonNode value = intrinsics().resolve(resource.logicalId(), property, resource.property(property));
        if (!value.isTextual()) {
            throw new UnresolvableIntrinsic(resource.logicalId(), property, "must be a string, got " + value);
        }
        return value.asText();
    }

    /** Ids CloudFormation gets from the service as random UUIDs; derived from stack and logical id here. */
    private String uuid(Resource resource) {
        return UUID.nameUUIDFromBytes((pseudo.stackName() + "/" + resource.logicalId()).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    private String hash(String logicalId) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest((pseudo.stackName() + "/" + logicalId).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private Intrinsics intrinsics() {
        return new Intrinsics(template, this, pseudo);
    }
}
