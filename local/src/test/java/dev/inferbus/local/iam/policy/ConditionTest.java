package dev.inferbus.local.iam.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inferbus.local.iam.AccessRequest;
import dev.inferbus.local.iam.Principal;
import dev.inferbus.local.iam.policy.Condition.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each operator family on a present key, a missing key and with its variants, per IAM's condition operator reference. */
class ConditionTest {

    private static final Principal ROLE = Principal.roleSession("000000000000", "r", "s");
    private static final String SOURCE = "arn:aws:events:us-east-1:000000000000:rule/inferbus/route-a";

    @Test
    void stringOperatorsCompareExactlyOrIgnoringCase() {
        assertThat(test("StringEquals", "aws:SourceAccount", List.of("1", "000000000000"))).isEqualTo(Verdict.HOLDS);
        assertThat(test("StringEquals", "cloudwatch:namespace", List.of("aws/sagemaker"), "cloudwatch:namespace", "AWS/SageMaker"))
                .isEqualTo(Verdict.FAILS);
        assertThat(test("StringEqualsIgnoreCase", "cloudwatch:namespace", List.of("aws/sagemaker"), "cloudwatch:namespace", "AWS/SageMaker"))
                .isEqualTo(Verdict.HOLDS);
        assertThat(test("StringNotEquals", "aws:SourceAccount", List.of("111111111111", "222222222222"))).isEqualTo(Verdict.HOLDS);
        assertThat(test("StringNotEquals", "aws:SourceAccount", List.of("111111111111", "000000000000"))).isEqualTo(Verdict.FAILS);
        assertThat(test("StringNotEqualsIgnoreCase", "cloudwatch:namespace", List.of("aws/sagemaker"), "cloudwatch:namespace", "AWS/SageMaker"))
                .isEqualTo(Verdict.FAILS);
    }

    @Test
    void likeOperatorsTakeWildcards() {
        assertThat(test("StringLike", "kms:ViaService", List.of("s3.*.amazonaws.com"), "kms:ViaService", "s3.us-east-1.amazonaws.com"))
                .isEqualTo(Verdict.HOLDS);
        assertThat(test("StringLike", "kms:ViaService", List.of("s3.?.amazonaws.com"), "kms:ViaService", "s3.us-east-1.amazonaws.com"))
                .isEqualTo(Verdict.FAILS);
        assertThat(test("StringNotLike", "kms:ViaService", List.of("sqs.*"), "kms:ViaService", "s3.us-east-1.amazonaws.com"))
                .isEqualTo(Verdict.HOLDS);
        assertThat(test("StringLike", "kms:ViaService", List.of("S3.*"), "kms:ViaService", "s3.us-east-1.amazonaws.com"))
                .as("StringLike is case-sensitive").isEqualTo(Verdict.FAILS);
    }

    @Test
    void arnOperatorsMatchEachOfTheSixPartsWithWildcards() {
        for (String operator : List.of("ArnEquals", "ArnLike")) {
            assertThat(test(operator, "aws:SourceArn", List.of(SOURCE))).isEqualTo(Verdict.HOLDS);
            assertThat(test(operator, "aws:SourceArn", List.of("arn:aws:events:*:000000000000:rule/inferbus/*"))).isEqualTo(Verdict.HOLDS);
            assertThat(test(operator, "aws:SourceArn", List.of("arn:aws:events:us-east-1:000000000000:rule/other"))).isEqualTo(Verdict.FAILS);
        }
        // A '*' stays inside its part: it cannot swallow the colon between region and account (a plain glob would).
        String logGroup = "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/fn";
        assertThat(test("ArnLike", "aws:SourceArn", List.of("arn:aws:logs:*:log-group:*"), "aws:SourceArn", logGroup))
                .isEqualTo(Verdict.FAILS);
        assertThat(test("ArnLike", "aws:SourceArn", List.of("arn:aws:logs:*:*:log-group:*"), "aws:SourceArn", logGroup))
                .isEqualTo(Verdict.HOLDS);
        assertThat(test("ArnLike", "aws:SourceArn", List.of("arn:aws:events:*:rule/inferbus/route-a"))).isEqualTo(Verdict.FAILS);
        assertThat(test("ArnLike", "aws:SourceArn", List.of("*"), "aws:SourceArn", "not-an-arn")).isEqualTo(Verdict.FAILS);
        assertThat(test("ArnNotEquals", "aws:SourceArn", List.of(SOURCE))).isEqualTo(Verdict.FAILS);
        assertThat(test("ArnNotLike", "aws:SourceArn", List.of("arn:aws:sqs:*:*:*"))).isEqualTo(Verdict.HOLDS);
    }

    @Test
    void boolComparesTrueAndFalseAsStringsOrJsonBooleans() {
        assertThat(test("Bool", "aws:SecureTransport", List.of("false"), "aws:SecureTransport", "false")).isEqualTo(Verdict.HOLDS);
        assertThat(test("Bool", "aws:SecureTransport", List.of("false"), "aws:SecureTransport", "true")).isEqualTo(Verdict.FAILS);
        assertThat(test("Bool", "aws:SecureTransport", List.of("TRUE"), "aws:SecureTransport", "true")).isEqualTo(Verdict.HOLDS);
        assertThat(Condition.of("Bool", "aws:SecureTransport", List.of("yes"))).isInstanceOf(Condition.Unsupported.class);
    }

    @Test
    void numericOperatorsCompareNumbers() {
        Map<String, String> three = Map.of("s3:max-keys", "3");
        assertThat(test("NumericEquals", "s3:max-keys", List.of("3.0"), three)).isEqualTo(Verdict.HOLDS);
        assertThat(test("NumericNotEquals", "s3:max-keys", List.of("3"), three)).isEqualTo(Verdict.FAILS);
        assertThat(test("NumericLessThan", "s3:max-keys", List.of("3"), three)).isEqualTo(Verdict.FAILS);
        assertThat(test("NumericLessThanEquals", "s3:max-keys", List.of("3"), three)).isEqualTo(Verdict.HOLDS);
        assertThat(test("NumericGreaterThan", "s3:max-keys", List.of("2"), three)).isEqualTo(Verdict.HOLDS);
        assertThat(test("NumericGreaterThanEquals", "s3:max-keys", List.of("4"), three)).isEqualTo(Verdict.FAILS);
        assertThat(test("NumericEquals", "s3:max-keys", List.of("3"), Map.of("s3:max-keys", "three"))).isEqualTo(Verdict.FAILS);
        assertThat(Condition.of("NumericLessThan", "s3:max-keys", List.of("ten"))).isInstanceOf(Condition.Unsupported.class);
    }

    @Test
    void aMissingKeyFailsPositiveOperatorsAndPassesNegatedOnes() {
        Map<String, String> none = Map.of();
        for (String positive : List.of("StringEquals", "StringLike", "ArnEquals", "ArnLike", "Bool", "StringEqualsIgnoreCase")) {
            assertThat(test(positive, "aws:SecureTransport", List.of("true"), none)).as(positive).isEqualTo(Verdict.FAILS);
        }
        assertThat(test("NumericLessThan", "kms:ViaService", List.of("1"), none)).isEqualTo(Verdict.FAILS);
        for (String negated : List.of("StringNotEquals", "StringNotLike", "ArnNotEquals", "ArnNotLike", "StringNotEqualsIgnoreCase")) {
            assertThat(test(negated, "aws:SourceArn", List.of(SOURCE), none)).as(negated).isEqualTo(Verdict.HOLDS);
        }
        assertThat(test("NumericNotEquals", "kms:ViaService", List.of("1"), none)).isEqualTo(Verdict.HOLDS);
    }

    @Test
    void ifExistsPassesAMissingKeyAndTestsAPresentOne() {
        assertThat(test("StringEqualsIfExists", "kms:ViaService", List.of("s3.us-east-1.amazonaws.com"), Map.of()))
                .isEqualTo(Verdict.HOLDS);
        assertThat(test("StringEqualsIfExists", "kms:ViaService", List.of("s3.us-east-1.amazonaws.com"), "kms:ViaService", "sqs"))
                .isEqualTo(Verdict.FAILS);
        assertThat(test("ArnLikeIfExists", "aws:SourceArn", List.of("arn:aws:sqs:*:*:*"))).isEqualTo(Verdict.FAILS);
        assertThat(test("BoolIfExists", "aws:SecureTransport", List.of("false"), Map.of())).isEqualTo(Verdict.HOLDS);
        assertThat(test("NumericGreaterThanIfExists", "s3:max-keys", List.of("5"), Map.of("s3:max-keys", "1"))).isEqualTo(Verdict.FAILS);
    }

    @Test
    void nullTestsWhetherTheKeyIsAbsent() {
        assertThat(test("Null", "aws:SourceArn", List.of("true"), Map.of())).isEqualTo(Verdict.HOLDS);
        assertThat(test("Null", "aws:SourceArn", List.of("true"))).isEqualTo(Verdict.FAILS);
        assertThat(test("Null", "aws:SourceArn", List.of("false"))).isEqualTo(Verdict.HOLDS);
        assertThat(test("Null", "aws:SourceArn", List.of("false"), Map.of())).isEqualTo(Verdict.FAILS);
        assertThat(Condition.of("NullIfExists", "aws:SourceArn", List.of("true"))).isInstanceOf(Condition.Unsupported.class);
    }

    @Test
    void setQualifiersTreatASingleValueAsAOneElementSet() {
        assertThat(test("ForAnyValue:StringEquals", "aws:SourceAccount", List.of("000000000000"))).isEqualTo(Verdict.HOLDS);
        assertThat(test("ForAnyValue:StringEquals", "aws:SourceAccount", List.of("1"))).isEqualTo(Verdict.FAILS);
        assertThat(test("ForAllValues:StringLike", "aws:SourceAccount", List.of("0*"))).isEqualTo(Verdict.HOLDS);
        assertThat(test("ForAllValues:StringNotLike", "aws:SourceAccount", List.of("0*"))).isEqualTo(Verdict.FAILS);
        // An absent key is an empty set: every member of it matches, none does.
        assertThat(test("ForAllValues:StringEquals", "aws:SourceAccount", List.of("1"), Map.of())).isEqualTo(Verdict.HOLDS);
        assertThat(test("ForAnyValue:StringEquals", "aws:SourceAccount", List.of("1"), Map.of())).isEqualTo(Verdict.FAILS);
        assertThat(test("ForAnyValue:StringNotEquals", "aws:SourceAccount", List.of("1"), Map.of())).isEqualTo(Verdict.FAILS);
        assertThat(test("ForAnyValue:StringEqualsIfExists", "aws:SourceAccount", List.of("1"), Map.of())).isEqualTo(Verdict.HOLDS);
    }

    @Test
    void keysAreCaseInsensitiveAndPrincipalKeysComeFromTheCaller() {
        assertThat(test("Bool", "AWS:securetransport", List.of("true"), "aws:SecureTransport", "true")).isEqualTo(Verdict.HOLDS);
        assertThat(test("ArnEquals", "aws:PrincipalArn", List.of("arn:aws:iam::000000000000:role/r"), Map.of())).isEqualTo(Verdict.HOLDS);
        assertThat(test("StringEquals", "aws:PrincipalAccount", List.of("000000000000"), Map.of())).isEqualTo(Verdict.HOLDS);
        AccessRequest byService = new AccessRequest(Principal.service("000000000000", "events.amazonaws.com"), "sqs:SendMessage",
                "arn:aws:sqs:us-east-1:000000000000:q", Map.of());
        assertThat(Condition.of("StringEquals", "aws:PrincipalServiceName", List.of("events.amazonaws.com"))
                .test(ConditionContext.of(byService))).isEqualTo(Verdict.HOLDS);
        assertThat(Condition.of("Null", "aws:PrincipalArn", List.of("true")).test(ConditionContext.of(byService)))
                .isEqualTo(Verdict.HOLDS);
    }

    @Test
    void kmsCallerAccountIsPartOfKmsRequestsOnly() {
        assertThat(test("StringEquals", "kms:CallerAccount", List.of("000000000000"), Map.of())).isEqualTo(Verdict.FAILS);
        AccessRequest decrypt = new AccessRequest(ROLE, "kms:Decrypt", "arn:aws:kms:us-east-1:000000000000:key/k", Map.of());
        assertThat(Condition.of("StringEquals", "kms:CallerAccount", List.of("000000000000")).test(ConditionContext.of(decrypt)))
                .isEqualTo(Verdict.HOLDS);
    }

    @Test
    void whatCannotBeEvaluatedSaysWhy() {
        assertThat(Condition.of("DateLessThan", "aws:CurrentTime", List.of("2030-01-01T00:00:00Z")).problem())
                .contains("operator DateLessThan is not supported");
        assertThat(Condition.of("IpAddress", "aws:SourceIp", List.of("10.0.0.0/8")).test(context(Map.of("aws:SourceIp", "10.1.1.1"))))
                .isEqualTo(Verdict.UNEVALUABLE);
        assertThat(Condition.of("StringEquals", "aws:username", List.of("${aws:username}")).problem())
                .hasValueSatisfying(why -> assertThat(why).contains("policy variables"));
        assertThat(Condition.of("StringEquals", "s3:prefix", List.of("in/")).problem())
                .contains("condition key s3:prefix is not one the local cloud supplies");
        assertThat(Condition.of("StringEquals", "s3:prefix", List.of("in/")).test(context(Map.of()))).isEqualTo(Verdict.UNEVALUABLE);
        assertThat(Condition.of("StringEquals", "aws:SourceArn", List.of(SOURCE)).problem()).isEmpty();
        assertThat(Condition.of("ForAnyValue:StringEquals", "aws:SourceArn", List.of(SOURCE)).operator())
                .isEqualTo("ForAnyValue:StringEquals");
    }

    private static Verdict test(String operator, String key, List<String> values) {
        return test(operator, key, values, Map.of("aws:SourceAccount", "000000000000", "aws:SourceArn", SOURCE));
    }

    private static Verdict test(String operator, String key, List<String> values, String contextKey, String contextValue) {
        return test(operator, key, values, Map.of(contextKey, contextValue));
    }

    private static Verdict test(String operator, String key, List<String> values, Map<String, String> context) {
        return Condition.of(operator, key, values).test(context(context));
    }

    private static ConditionContext context(Map<String, String> values) {
        return ConditionContext.of(new AccessRequest(ROLE, "s3:GetObject", "arn:aws:s3:::b/k", values));
    }
}
