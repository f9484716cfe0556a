package dev.inferbus.local.iam.policy;

import static dev.inferbus.local.iam.policy.Json.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.inferbus.local.iam.AccessRequest;
import dev.inferbus.local.iam.Decision.Outcome;
import dev.inferbus.local.iam.Principal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Statement elements one at a time: Not-forms, wildcards and resource-policy principals. */
class PolicyEvaluatorTest {

    private static final String ACCOUNT = "000000000000";
    private static final Principal ROLE = Principal.roleSession(ACCOUNT, "worker", "s1");
    private static final String QUEUE = "arn:aws:sqs:us-east-1:000000000000:jobs";

    @Test
    void actionsMatchCaseInsensitivelyWithWildcards() {
        PolicyDocument policy = identity("{\"Effect\": \"Allow\", \"Action\": [\"s3:Get*\", \"sqs:?eleteMessage\"], \"Resource\": \"*\"}");
        assertThat(identityOutcome(policy, "s3:GetObjectVersion", "arn:aws:s3:::b/k")).isEqualTo(Outcome.ALLOWED);
        assertThat(identityOutcome(policy, "S3:getobject", "arn:aws:s3:::b/k")).isEqualTo(Outcome.ALLOWED);
        assertThat(identityOutcome(policy, "sqs:DeleteMessage", QUEUE)).isEqualTo(Outcome.ALLOWED);
        assertThat(identityOutcome(policy, "sqs:DeleteMessageBatch", QUEUE)).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(identityOutcome(policy, "s3:PutObject", "arn:aws:s3:::b/k")).isEqualTo(Outcome.IMPLICIT_DENY);
    }

    @Test
    void resourcesMatchCaseSensitivelyWithWildcardsSpanningSlashesAndColons() {
        PolicyDocument policy = identity("{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": [\"arn:aws:s3:::b/in/*\", \"arn:aws:sqs:*:000000000000:job?\"]}");
        assertThat(identityOutcome(policy, "s3:GetObject", "arn:aws:s3:::b/in/a/b")).isEqualTo(Outcome.ALLOWED);
        assertThat(identityOutcome(policy, "s3:GetObject", "arn:aws:s3:::b/IN/a")).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(identityOutcome(policy, "s3:GetObject", "arn:aws:s3:::b/inx/a")).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(identityOutcome(policy, "sqs:SendMessage", QUEUE)).isEqualTo(Outcome.ALLOWED);
        assertThat(identityOutcome(policy, "sqs:SendMessage", QUEUE + "s")).isEqualTo(Outcome.IMPLICIT_DENY);
        PolicyDocument everything = identity("{\"Effect\": \"Allow\", \"Action\": \"sqs:*\", \"Resource\": \"arn:aws:sqs:*\"}");
        assertThat(identityOutcome(everything, "sqs:SendMessage", QUEUE)).isEqualTo(Outcome.ALLOWED);
    }

    @Test
    void notActionAllowsEverythingElse() {
        PolicyDocument policy = identity("{\"Effect\": \"Allow\", \"NotAction\": [\"iam:*\", \"kms:*\"], \"Resource\": \"*\"}");
        assertThat(identityOutcome(policy, "s3:GetObject", "arn:aws:s3:::b/k")).isEqualTo(Outcome.ALLOWED);
        assertThat(identityOutcome(policy, "iam:CreateRole", "arn:aws:iam::000000000000:role/x")).isEqualTo(Outcome.IMPLICIT_DENY);
    }

    @Test
    void notResourceDeniesEverywhereElse() {
        PolicyDocument policy = identity(
                "{\"Effect\": \"Allow\", \"Action\": \"sqs:*\", \"Resource\": \"*\"}",
                "{\"Effect\": \"Deny\", \"Action\": \"sqs:*\", \"NotResource\": \"arn:aws:sqs:us-east-1:000000000000:job*\"}");
        assertThat(identityOutcome(policy, "sqs:SendMessage", QUEUE)).isEqualTo(Outcome.ALLOWED);
        assertThat(identityOutcome(policy, "sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:other"))
                .isEqualTo(Outcome.EXPLICIT_DENY);
    }

    @Test
    void aResourcePolicyNamingTheRoleAllowsItsSessionsWithoutAnIdentityPolicy() {
        for (String principal : List.of("\"arn:aws:iam::000000000000:role/worker\"",
                "\"arn:aws:sts::000000000000:assumed-role/worker/s1\"")) {
            assertThat(resourceOutcome("{\"AWS\": " + principal + "}", ROLE)).as(principal).isEqualTo(Outcome.ALLOWED);
        }
        assertThat(resourceOutcome("{\"AWS\": \"arn:aws:iam::000000000000:role/other\"}", ROLE)).isEqualTo(Outcome.IMPLICIT_DENY);
    }

    @Test
    void everyoneIsEveryoneButOnlyTheNamedServiceIsAService() {
        Principal events = Principal.service(ACCOUNT, "events.amazonaws.com");
        assertThat(resourceOutcome("\"*\"", ROLE)).isEqualTo(Outcome.ALLOWED);
        assertThat(resourceOutcome("{\"AWS\": \"*\"}", events)).isEqualTo(Outcome.ALLOWED);
        assertThat(resourceOutcome("{\"Service\": [\"sns.amazonaws.com\", \"events.amazonaws.com\"]}", events)).isEqualTo(Outcome.ALLOWED);
        assertThat(resourceOutcome("{\"Service\": \"events.amazonaws.com\"}", ROLE)).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(resourceOutcome("{\"AWS\": \"000000000000\"}", events)).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(resourceOutcome("{\"Federated\": \"cognito-identity.amazonaws.com\"}", ROLE)).isEqualTo(Outcome.IMPLICIT_DENY);
    }

    @Test
    void anAccountPrincipalDefersToIamPoliciesOutsideKms() {
        PolicyDocument allowAccount = resource("{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::000000000000:root\"}, \"Action\": \"sqs:*\", \"Resource\": \"*\"}");
        PolicyDocument allowByAccountId = resource("{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"000000000000\"}, \"Action\": \"sqs:*\", \"Resource\": \"*\"}");
        PolicyDocument identity = identity("{\"Effect\": \"Allow\", \"Action\": \"sqs:SendMessage\", \"Resource\": \"*\"}");
        for (PolicyDocument account : List.of(allowAccount, allowByAccountId)) {
            assertThat(evaluate(ROLE, "sqs:SendMessage", List.of(), List.of(account), false)).isEqualTo(Outcome.IMPLICIT_DENY);
            assertThat(evaluate(ROLE, "sqs:SendMessage", List.of(identity), List.of(account), false)).isEqualTo(Outcome.ALLOWED);
        }
        PolicyDocument denyAccount = resource("{\"Effect\": \"Deny\", \"Principal\": {\"AWS\": \"000000000000\"}, \"Action\": \"sqs:*\", \"Resource\": \"*\"}");
        assertThat(evaluate(ROLE, "sqs:SendMessage", List.of(identity), List.of(denyAccount), false)).isEqualTo(Outcome.EXPLICIT_DENY);
        PolicyDocument otherAccount = resource("{\"Effect\": \"Deny\", \"Principal\": {\"AWS\": \"111111111111\"}, \"Action\": \"sqs:*\", \"Resource\": \"*\"}");
        assertThat(evaluate(ROLE, "sqs:SendMessage", List.of(identity), List.of(otherAccount), false)).isEqualTo(Outcome.ALLOWED);
    }

    @Test
    void notPrincipalDeniesAllButTheNamedCaller() {
        PolicyDocument identity = identity("{\"Effect\": \"Allow\", \"Action\": \"sqs:*\", \"Resource\": \"*\"}");
        PolicyDocument denyOthers = resource("{\"Effect\": \"Deny\", \"NotPrincipal\": {\"AWS\": \"arn:aws:iam::000000000000:role/worker\"}, \"Action\": \"sqs:*\", \"Resource\": \"*\"}");
        assertThat(evaluate(ROLE, "sqs:SendMessage", List.of(identity), List.of(denyOthers), false)).isEqualTo(Outcome.ALLOWED);
        Principal other = Principal.roleSession(ACCOUNT, "other", "s");
        assertThat(evaluate(other, "sqs:SendMessage", List.of(identity), List.of(denyOthers), false)).isEqualTo(Outcome.EXPLICIT_DENY);
    }

    @Test
    void aResourcePolicyStatementWithoutPrincipalReachesNobody() {
        PolicyDocument policy = resource("{\"Effect\": \"Allow\", \"Action\": \"sqs:*\", \"Resource\": \"*\"}");
        assertThat(evaluate(ROLE, "sqs:SendMessage", List.of(), List.of(policy), false)).isEqualTo(Outcome.IMPLICIT_DENY);
    }

    private static Outcome resourceOutcome(String principal, Principal caller) {
        PolicyDocument policy = resource("{\"Effect\": \"Allow\", \"Principal\": " + principal
                + ", \"Action\": \"sqs:SendMessage\", \"Resource\": \"" + QUEUE + "\"}");
        return evaluate(caller, "sqs:SendMessage", List.of(), List.of(policy), false);
    }

    private static Outcome identityOutcome(PolicyDocument policy, String action, String resource) {
        return evaluate(ROLE, action, resource, List.of(policy), List.of(), false);
    }

    private static Outcome evaluate(Principal caller, String action, List<PolicyDocument> identity,
            List<PolicyDocument> resource, boolean keyPolicyRequired) {
        return evaluate(caller, action, QUEUE, identity, resource, keyPolicyRequired);
    }

    private static Outcome evaluate(Principal caller, String action, String resource, List<PolicyDocument> identity,
            List<PolicyDocument> resourcePolicies, boolean keyPolicyRequired) {
        AccessRequest request = new AccessRequest(caller, action, resource, Map.of("aws:SecureTransport", "true"));
        return PolicyEvaluator.evaluate(request, identity, resourcePolicies, keyPolicyRequired).outcome();
    }

    private static PolicyDocument identity(String... statements) {
        return PolicyDocument.parse("identity", json("{\"Statement\": [" + String.join(",", statements) + "]}"));
    }

    private static PolicyDocument resource(String statement) {
        return PolicyDocument.parse("resource", json("{\"Statement\": " + statement + "}"));
    }
}
