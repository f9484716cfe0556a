package dev.inferbus.local.iam.policy;

import static dev.inferbus.local.iam.policy.Json.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/** The grammar's either-or forms: one statement or many, one value or an array, Not-forms, typed condition values. */
class PolicyDocumentTest {

    @Test
    void aSingleStatementObjectWithStringElements() {
        PolicyDocument policy = PolicyDocument.parse("p", json("""
                {"Statement": {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:000000000000:q"}}"""));

        Statement statement = policy.statements().getFirst();
        assertThat(statement.effect()).isEqualTo(Effect.ALLOW);
        assertThat(statement.actions()).isEqualTo(new Patterns(List.of("sqs:SendMessage"), false));
        assertThat(statement.resources()).isEqualTo(new Patterns(List.of("arn:aws:sqs:us-east-1:000000000000:q"), false));
        assertThat(statement.principals()).isEmpty();
        assertThat(statement.label()).isEqualTo("#1");
    }

    @Test
    void anArrayOfStatementsWithNotFormsPrincipalsAndConditions() {
        PolicyDocument policy = PolicyDocument.parse("p", json("""
                {"Version": "2012-10-17", "Statement": [
                  {"Sid": "first", "Effect": "Deny", "NotAction": ["iam:*", "kms:*"], "NotResource": "arn:aws:s3:::b/*",
                   "Principal": {"AWS": ["000000000000", "arn:aws:iam::000000000000:role/r"], "Service": "events.amazonaws.com"},
                   "Condition": {"Bool": {"aws:SecureTransport": false}, "StringEquals": {"aws:SourceAccount": ["1", "2"]}}},
                  {"Effect": "Allow", "Action": "*", "Resource": "*", "NotPrincipal": "*"}]}"""));

        Statement first = policy.statements().get(0);
        assertThat(first.label()).isEqualTo("first");
        assertThat(first.effect()).isEqualTo(Effect.DENY);
        assertThat(first.actions()).isEqualTo(new Patterns(List.of("iam:*", "kms:*"), true));
        assertThat(first.resources().negated()).isTrue();
        assertThat(first.principals()).contains(new Principals(List.of(
                new Principals.Entry(Principals.Kind.AWS, "000000000000"),
                new Principals.Entry(Principals.Kind.AWS, "arn:aws:iam::000000000000:role/r"),
                new Principals.Entry(Principals.Kind.SERVICE, "events.amazonaws.com")), false));
        assertThat(first.conditions()).extracting(Condition::operator, Condition::key)
                .containsExactly(Tuple.tuple("Bool", "aws:SecureTransport"),
                        Tuple.tuple("StringEquals", "aws:SourceAccount"));
        assertThat(((Condition.Test) first.conditions().get(0)).values()).containsExactly("false");
        assertThat(policy.statements().get(1).label()).isEqualTo("#2");
        assertThat(policy.statements().get(1).principals()).contains(
                new Principals(List.of(new Principals.Entry(Principals.Kind.ANY, "*")), true));
    }

    @Test
    void malformedStatementsFailNamingPolicyAndStatement() {
        assertThatThrownBy(() -> PolicyDocument.parse("p", json("{\"Statement\": [{\"Effect\": \"Permit\", \"Action\": \"*\", \"Resource\": \"*\"}]}")))
                .hasMessageContaining("policy p statement #1").hasMessageContaining("Allow or Deny");
        assertThatThrownBy(() -> PolicyDocument.parse("p", json("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"NotAction\": \"s3:*\", \"Resource\": \"*\"}}")))
                .hasMessageContaining("exactly one of Action and NotAction");
        assertThatThrownBy(() -> PolicyDocument.parse("p", json("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\"}}")))
                .hasMessageContaining("exactly one of Resource and NotResource");
        assertThatThrownBy(() -> PolicyDocument.parse("p", json("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": {\"Fn::GetAtt\": [\"X\", \"Arn\"]}, \"Resource\": \"*\"}}")))
                .hasMessageContaining("expected a string");
        assertThatThrownBy(() -> PolicyDocument.parse("p", json("{\"Version\": \"2012-10-17\"}")))
                .hasMessageContaining("policy p has no Statement");
    }
}
