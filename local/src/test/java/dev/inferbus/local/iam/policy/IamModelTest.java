package dev.inferbus.local.iam.policy;

import static dev.inferbus.local.iam.policy.TemplateFixture.ACCOUNT;
import static dev.inferbus.local.iam.policy.Json.json;
import static dev.inferbus.local.iam.policy.TemplateFixture.request;
import static dev.inferbus.local.iam.policy.TemplateFixture.role;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inferbus.local.iam.AccessRequest;
import dev.inferbus.local.iam.Decision;
import dev.inferbus.local.iam.Decision.Outcome;
import dev.inferbus.local.iam.Principal;
import dev.inferbus.local.iam.policy.PolicySources.ResolvedResource;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policy engine on the template's own policies ({@link TemplateFixture}), as the local cloud's gateway asks. */
class IamModelTest {

    private static final IamModel MODEL = TemplateFixture.model();

    private static final String TABLE = "arn:aws:dynamodb:us-east-1:000000000000:table/results";
    private static final String DLQ = "arn:aws:sqs:us-east-1:000000000000:dlq-cpu-direct";
    private static final String TOPIC = "arn:aws:sns:us-east-1:000000000000:success";
    private static final String ENDPOINT_KEY = "arn:aws:kms:us-east-1:000000000000:key/11111111-1111-1111-1111-111111111111";
    private static final String STRICT_KEY = "arn:aws:kms:us-east-1:000000000000:key/22222222-2222-2222-2222-222222222222";
    private static final String DEFAULT_KEY = "arn:aws:kms:us-east-1:000000000000:key/33333333-3333-3333-3333-333333333333";
    private static final String ROUTE = "arn:aws:events:us-east-1:000000000000:rule/inferbus/route-cpu-direct";
    private static final Principal CPU_DIRECT = role("cpu-direct-role");
    private static final Principal ADMIN = Principal.admin(ACCOUNT);
    private static final Principal EVENTS = Principal.service(ACCOUNT, "events.amazonaws.com");

    @Test
    void anIdentityPolicyAttachedByRoleNameAllows() {
        assertThat(outcome(request(CPU_DIRECT, "dynamodb:PutItem", TABLE))).isEqualTo(Outcome.ALLOWED);
        assertThat(outcome(request(CPU_DIRECT, "events:PutEvents", "arn:aws:events:us-east-1:000000000000:event-bus/inferbus")))
                .isEqualTo(Outcome.ALLOWED);
    }

    @Test
    void whatNoPolicyAllowsIsImplicitlyDeniedInAwsWords() {
        AccessRequest request = request(CPU_DIRECT, "dynamodb:DeleteItem", TABLE);
        Decision decision = MODEL.authorize(request);

        assertThat(decision.outcome()).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(decision.message(request)).isEqualTo("User: arn:aws:sts::000000000000:assumed-role/cpu-direct-role/session-1"
                + " is not authorized to perform: dynamodb:DeleteItem on resource: " + TABLE
                + " because no identity-based policy allows the dynamodb:DeleteItem action");
        assertThat(outcome(request(role("no-such-role"), "dynamodb:GetItem", TABLE))).isEqualTo(Outcome.IMPLICIT_DENY);
    }

    @Test
    void anIdentityDenyBeatsItsAllow() {
        Principal janitor = role("janitor-role");
        assertThat(outcome(request(janitor, "dynamodb:Query", TABLE))).isEqualTo(Outcome.ALLOWED);

        Decision decision = MODEL.authorize(request(janitor, "dynamodb:DeleteItem", TABLE));
        assertThat(decision.outcome()).isEqualTo(Outcome.EXPLICIT_DENY);
        assertThat(decision.reason()).isEqualTo("with an explicit deny in an identity-based policy");
    }

    @Test
    void theBucketPolicyDeniesPlainHttpEvenToTheAdministrator() {
        String object = "arn:aws:s3:::payloads/in/request-1.json";
        Decision overHttp = MODEL.authorize(request(ADMIN, "s3:GetObject", object, Map.of("aws:SecureTransport", "false")));
        assertThat(overHttp.outcome()).isEqualTo(Outcome.EXPLICIT_DENY);
        assertThat(overHttp.reason()).isEqualTo("with an explicit deny in a resource-based policy");
        assertThat(outcome(request(ADMIN, "s3:GetObject", object))).isEqualTo(Outcome.ALLOWED);

        // The role's own allow does not help either; the bucket itself (ListBucket) is covered too.
        assertThat(outcome(request(CPU_DIRECT, "s3:GetObject", object, Map.of("aws:SecureTransport", "false"))))
                .isEqualTo(Outcome.EXPLICIT_DENY);
        assertThat(outcome(request(CPU_DIRECT, "s3:ListBucket", "arn:aws:s3:::payloads", Map.of("aws:SecureTransport", "false"))))
                .isEqualTo(Outcome.EXPLICIT_DENY);
        assertThat(outcome(request(CPU_DIRECT, "s3:ListBucket", "arn:aws:s3:::payloads"))).isEqualTo(Outcome.ALLOWED);
    }

    @Test
    void theTopicPolicyDeniesPlainHttpPublishing() {
        assertThat(outcome(request(CPU_DIRECT, "sns:Publish", TOPIC))).isEqualTo(Outcome.ALLOWED);
        assertThat(outcome(request(CPU_DIRECT, "sns:Publish", TOPIC, Map.of("aws:SecureTransport", "false"))))
                .isEqualTo(Outcome.EXPLICIT_DENY);
    }

    @Test
    void objectPatternsMatchOnlyTheirPrefix() {
        assertThat(outcome(request(CPU_DIRECT, "s3:GetObject", "arn:aws:s3:::payloads/in/a"))).isEqualTo(Outcome.ALLOWED);
        assertThat(outcome(request(CPU_DIRECT, "s3:GetObject", "arn:aws:s3:::payloads/in/deep/er/a:b")))
                .isEqualTo(Outcome.ALLOWED);
        assertThat(outcome(request(CPU_DIRECT, "s3:GetObject", "arn:aws:s3:::payloads/inx/a"))).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(outcome(request(CPU_DIRECT, "s3:GetObject", "arn:aws:s3:::payloads/results/x"))).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(outcome(request(CPU_DIRECT, "s3:PutObject", "arn:aws:s3:::payloads/results/x"))).isEqualTo(Outcome.ALLOWED);
        assertThat(outcome(request(CPU_DIRECT, "s3:GetObject", "arn:aws:s3:::payloads-other/in/a"))).isEqualTo(Outcome.IMPLICIT_DENY);
    }

    @Test
    void theManagedPolicyIsLoadedFromItsShippedDocument() {
        assertThat(MODEL.identityPolicies(CPU_DIRECT.arn())).extracting(PolicyDocument::name)
                .contains("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole");
        String logGroup = "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/cpu-direct:log-stream:x";
        assertThat(outcome(request(CPU_DIRECT, "logs:PutLogEvents", logGroup))).isEqualTo(Outcome.ALLOWED);
        assertThat(outcome(request(CPU_DIRECT, "logs:CreateLogGroup", logGroup))).isEqualTo(Outcome.ALLOWED);
        assertThat(outcome(request(CPU_DIRECT, "logs:DeleteLogGroup", logGroup))).isEqualTo(Outcome.IMPLICIT_DENY);
    }

    @Test
    void anUnknownManagedPolicyFailsTheModelNamingRoleAndArn() {
        ResolvedResource role = new ResolvedResource("ReaderRole", "AWS::IAM::Role",
                json("{\"ManagedPolicyArns\": [\"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess\"]}"));
        PolicySources sources = TemplateFixture.sources(role);
        PolicySources withArn = new PolicySources(sources.account(), sources.resources(),
                id -> id.equals("ReaderRole") ? "arn:aws:iam::000000000000:role/reader" : sources.arnOf().apply(id),
                sources.queueArnOf());

        assertThatThrownBy(() -> IamModel.build(withArn)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ReaderRole").hasMessageContaining("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess");
    }

    @Test
    void aManagedPolicyUnderAnotherPathIsUnknown() {
        assertThat(ManagedPolicies.find("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole")).isEmpty();
        assertThat(ManagedPolicies.find("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")).isPresent();
    }

    @Test
    void aQueuePolicyLetsTheEventBusServiceInFromItsRuleOnly() {
        AccessRequest fromRoute = request(EVENTS, "sqs:SendMessage", DLQ,
                Map.of("aws:SecureTransport", "true", "aws:SourceArn", ROUTE));
        assertThat(outcome(fromRoute)).isEqualTo(Outcome.ALLOWED);

        AccessRequest fromElsewhere = request(EVENTS, "sqs:SendMessage", DLQ,
                Map.of("aws:SecureTransport", "true", "aws:SourceArn", ROUTE + "-2"));
        Decision refused = MODEL.authorize(fromElsewhere);
        assertThat(refused.outcome()).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(refused.reason()).isEqualTo("because no resource-based policy allows the sqs:SendMessage action");

        assertThat(outcome(request(EVENTS, "sqs:DeleteMessage", DLQ, Map.of("aws:SourceArn", ROUTE))))
                .isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(outcome(request(Principal.service(ACCOUNT, "sns.amazonaws.com"), "sqs:SendMessage", DLQ,
                Map.of("aws:SourceArn", ROUTE)))).isEqualTo(Outcome.IMPLICIT_DENY);
    }

    @Test
    void aKeyPolicyEnablingTheAccountLeavesTheDecisionToIamPolicies() {
        Decision withoutGrant = MODEL.authorize(request(role("gpu-forward-role"), "kms:Decrypt", ENDPOINT_KEY));
        assertThat(withoutGrant.outcome()).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(withoutGrant.reason()).isEqualTo("because no identity-based policy allows the kms:Decrypt action");

        assertThat(outcome(request(role("gpu-complete-role"), "kms:Decrypt", ENDPOINT_KEY))).isEqualTo(Outcome.ALLOWED);
        assertThat(outcome(request(role("endpoint-role"), "kms:ReEncryptFrom", ENDPOINT_KEY))).isEqualTo(Outcome.ALLOWED);
        assertThat(outcome(request(role("endpoint-role"), "kms:generatedatakeywithoutplaintext", ENDPOINT_KEY)))
                .isEqualTo(Outcome.ALLOWED);
        assertThat(outcome(request(role("endpoint-role"), "kms:ScheduleKeyDeletion", ENDPOINT_KEY)))
                .isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(outcome(request(ADMIN, "kms:ScheduleKeyDeletion", ENDPOINT_KEY))).isEqualTo(Outcome.ALLOWED);
    }

    @Test
    void aKeyPolicyWithoutTheAccountRefusesEvenWhatIamAllows() {
        Decision decision = MODEL.authorize(request(role("gpu-complete-role"), "kms:Decrypt", STRICT_KEY));
        assertThat(decision.outcome()).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(decision.reason()).isEqualTo("because no resource-based policy allows the kms:Decrypt action");
        assertThat(outcome(request(ADMIN, "kms:Decrypt", STRICT_KEY))).isEqualTo(Outcome.IMPLICIT_DENY);

        // The role the key policy names needs no IAM policy of its own.
        assertThat(outcome(request(role("key-user-role"), "kms:Decrypt", STRICT_KEY))).isEqualTo(Outcome.ALLOWED);
        assertThat(outcome(request(role("key-user-role"), "kms:Encrypt", STRICT_KEY))).isEqualTo(Outcome.IMPLICIT_DENY);
    }

    @Test
    void aKeyWithoutKeyPolicyGetsKmsDefaultOne() {
        assertThat(outcome(request(role("gpu-complete-role"), "kms:Decrypt", DEFAULT_KEY))).isEqualTo(Outcome.ALLOWED);
        assertThat(outcome(request(role("gpu-forward-role"), "kms:Decrypt", DEFAULT_KEY))).isEqualTo(Outcome.IMPLICIT_DENY);
    }

    @Test
    void aKeyTheTemplateDoesNotDefineHasNoKeyPolicyToAllow() {
        String foreign = "arn:aws:kms:us-east-1:000000000000:key/44444444-4444-4444-4444-444444444444";
        assertThat(MODEL.authorize(request(ADMIN, "kms:Decrypt", foreign)).reason())
                .isEqualTo("because no resource-based policy allows the kms:Decrypt action");
    }

    @Test
    void aConditionTheEngineCannotEvaluateDeniesAndIsListed() {
        Principal janitor = role("janitor-role");
        Decision decision = MODEL.authorize(request(janitor, "dynamodb:Scan", TABLE));

        assertThat(decision.outcome()).isEqualTo(Outcome.EXPLICIT_DENY);
        assertThat(decision.reason()).startsWith("with an explicit deny in an identity-based policy")
                .contains("JanitorRole/janitor statement OnlyAfterLaunch").contains("DateGreaterThan aws:CurrentTime");
        assertThat(MODEL.unevaluable()).contains(new Unevaluable("JanitorRole/janitor", "OnlyAfterLaunch", "DateGreaterThan",
                "aws:CurrentTime", "operator DateGreaterThan is not supported"));
        // It only denies what it would otherwise cover.
        assertThat(outcome(request(janitor, "dynamodb:Query", TABLE))).isEqualTo(Outcome.ALLOWED);
    }

    @Test
    void aConditionOnAnUnknownKeyIsEvaluatedOnlyWhenTheRequestCarriesIt() {
        Principal janitor = role("janitor-role");
        String bucket = "arn:aws:s3:::payloads";
        assertThat(MODEL.unevaluable()).extracting(Unevaluable::statement).contains("ListInbox");

        assertThat(outcome(request(janitor, "s3:ListBucket", bucket, Map.of("aws:SecureTransport", "true", "s3:prefix", "in/x"))))
                .isEqualTo(Outcome.ALLOWED);
        assertThat(outcome(request(janitor, "s3:ListBucket", bucket, Map.of("aws:SecureTransport", "true", "s3:prefix", "out/"))))
                .isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(MODEL.authorize(request(janitor, "s3:ListBucket", bucket)).reason())
                .contains("condition key s3:prefix is not one the local cloud supplies");
    }

    @Test
    void theTemplatesOwnConditionsAreAllEvaluable() {
        assertThat(MODEL.unevaluable()).extracting(Unevaluable::policy).containsOnly("JanitorRole/janitor");
    }

    @Test
    void grantsListEachRolesActionResourcePairs() {
        assertThat(MODEL.grants(CPU_DIRECT.arn()))
                .contains(new Grant("s3:GetObject", "arn:aws:s3:::payloads/in/*", false, "CpuDirectRoleDefaultPolicy", "#2"),
                        new Grant("logs:CreateLogGroup", "*", false,
                                "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "#1"))
                .noneMatch(grant -> grant.action().equals("dynamodb:DeleteItem"));
        assertThat(MODEL.grants("arn:aws:iam::000000000000:role/endpoint-role"))
                .contains(new Grant("cloudwatch:PutMetricData", "*", true, "EndpointRole/endpoint", "#1"));
        assertThat(MODEL.roleArns()).contains(CPU_DIRECT.arn(), "arn:aws:iam::000000000000:role/key-user-role");
    }

    private static Outcome outcome(AccessRequest request) {
        return MODEL.authorize(request).outcome();
    }
}
