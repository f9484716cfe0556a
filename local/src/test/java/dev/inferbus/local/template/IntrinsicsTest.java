package dev.inferbus.local.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each intrinsic form on a small hand-written template (the synthesized one does not use them all). */
class IntrinsicsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Template TEMPLATE = Template.parse(json("""
            {"Parameters": {
               "Stage": {"Type": "String", "Default": "dev"},
               "Zones": {"Type": "CommaDelimitedList", "Default": "a,b"},
               "NoDefault": {"Type": "String"},
               "BootstrapVersion": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/cdk-bootstrap/hnb659fds/version"}},
             "Resources": {
               "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {}},
               "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "jobs"}},
               "Fn": {"Type": "AWS::Lambda::Function", "Properties": {}}}}"""));

    private static final PseudoParameters PSEUDO = new PseudoParameters("Stack", "eu-west-1", "123456789012");
    private static final Intrinsics INTRINSICS = new Intrinsics(TEMPLATE,
            new LocalNames(TEMPLATE, PSEUDO, name -> "http://sqs.local/123456789012/" + name), PSEUDO);

    @Test
    void refGivesResourcesParametersAndPseudoParameters() {
        assertThat(resolve("{\"Ref\": \"Table\"}")).isEqualTo("Stack-Table");
        assertThat(resolve("{\"Ref\": \"Queue\"}")).isEqualTo("http://sqs.local/123456789012/jobs");
        assertThat(resolve("{\"Ref\": \"Stage\"}")).isEqualTo("dev");
        assertThat(resolve("{\"Ref\": \"AWS::Region\"}")).isEqualTo("eu-west-1");
        assertThat(resolve("{\"Ref\": \"AWS::AccountId\"}")).isEqualTo("123456789012");
        assertThat(resolve("{\"Ref\": \"AWS::Partition\"}")).isEqualTo("aws");
        assertThat(resolve("{\"Ref\": \"AWS::URLSuffix\"}")).isEqualTo("amazonaws.com");
        assertThat(resolve("{\"Ref\": \"AWS::StackName\"}")).isEqualTo("Stack");
        assertThat(resolve("{\"Ref\": \"AWS::StackId\"}")).startsWith("arn:aws:cloudformation:eu-west-1:123456789012:stack/Stack/");
    }

    @Test
    void aListParameterIsAList() {
        assertThat(INTRINSICS.resolve("Fn", "Zones", json("{\"Ref\": \"Zones\"}"))).isEqualTo(json("[\"a\", \"b\"]"));
        assertThat(resolve("{\"Fn::Join\": [\"+\", {\"Ref\": \"Zones\"}]}")).isEqualTo("a+b");
    }

    @Test
    void getAttTakesBothForms() {
        assertThat(resolve("{\"Fn::GetAtt\": [\"Queue\", \"Arn\"]}")).isEqualTo("arn:aws:sqs:eu-west-1:123456789012:jobs");
        assertThat(resolve("{\"Fn::GetAtt\": \"Queue.QueueName\"}")).isEqualTo("jobs");
    }

    @Test
    void joinSelectAndSplitCompose() {
        assertThat(resolve("{\"Fn::Join\": [\"\", [\"s3://\", {\"Ref\": \"Table\"}, \"/\"]]}")).isEqualTo("s3://Stack-Table/");
        assertThat(resolve("{\"Fn::Select\": [\"1\", {\"Fn::Split\": [\":\", \"a:b:c\"]}]}")).isEqualTo("b");
        assertThat(INTRINSICS.resolve("Fn", "X", json("{\"Fn::Split\": [\",\", \"a,,b\"]}")))
                .isEqualTo(json("[\"a\", \"\", \"b\"]"));
    }

    @Test
    void subReplacesNamesAttributesAndVariablesAndKeepsEscapes() {
        assertThat(resolve("{\"Fn::Sub\": \"arn:${AWS::Partition}:x:${AWS::Region}:${AWS::AccountId}:${Table}\"}"))
                .isEqualTo("arn:aws:x:eu-west-1:123456789012:Stack-Table");
        assertThat(resolve("{\"Fn::Sub\": \"${Queue.Arn}/${!Literal}\"}"))
                .isEqualTo("arn:aws:sqs:eu-west-1:123456789012:jobs/${Literal}");
        assertThat(resolve("{\"Fn::Sub\": [\"${Name}-${Stage}\", {\"Name\": {\"Ref\": \"Table\"}}]}"))
                .isEqualTo("Stack-Table-dev");
    }

    @Test
    void noValueRemovesTheKeyOrElement() {
        JsonNode resolved = INTRINSICS.resolve("Fn", "Environment", json("""
                {"Keep": "x", "Drop": {"Ref": "AWS::NoValue"}, "List": ["a", {"Ref": "AWS::NoValue"}, "b"]}"""));
        assertThat(resolved).isEqualTo(json("{\"Keep\": \"x\", \"List\": [\"a\", \"b\"]}"));
        assertThat(INTRINSICS.resolve("Fn", "X", json("{\"Ref\": \"AWS::NoValue\"}")).isMissingNode()).isTrue();
    }

    @Test
    void theTemplateIsLeftAsItWas() {
        JsonNode value = json("{\"A\": {\"Ref\": \"Table\"}}");
        INTRINSICS.resolve("Fn", "", value);
        assertThat(value).isEqualTo(json("{\"A\": {\"Ref\": \"Table\"}}"));
    }

    @Test
    void failuresNameTheResourceAndPropertyPath() {
        assertThatThrownBy(() -> INTRINSICS.resolve("Fn", "Environment",
                json("{\"Variables\": {\"T\": {\"Fn::Join\": [\"\", [{\"Ref\": \"Foo\"}]]}}}")))
                .isInstanceOf(UnresolvableIntrinsic.class)
                .hasMessage("Fn.Environment.Variables.T: Ref to unknown resource Foo")
                .satisfies(e -> {
                    assertThat(((UnresolvableIntrinsic) e).logicalId()).isEqualTo("Fn");
                    assertThat(((UnresolvableIntrinsic) e).propertyPath()).isEqualTo("Environment.Variables.T");
                });
        assertThatThrownBy(() -> INTRINSICS.resolve("Fn", "Tags[0]", json("{\"Fn::GetAtt\": [\"Bar\", \"Arn\"]}")))
                .hasMessage("Fn.Tags[0]: Fn::GetAtt to unknown resource Bar");
        assertThatThrownBy(() -> INTRINSICS.resolve("Fn", "X", json("{\"Fn::GetAtt\": [\"Table\", \"StreamArn\"]}")))
                .hasMessageContaining("Fn.X: Fn::GetAtt Table.StreamArn: no local value for attribute StreamArn");
        assertThatThrownBy(() -> INTRINSICS.resolve("Fn", "X", json("{\"Fn::If\": [\"C\", \"a\", \"b\"]}")))
                .hasMessage("Fn.X: unsupported intrinsic function Fn::If");
        assertThatThrownBy(() -> INTRINSICS.resolve("Fn", "X", json("{\"Ref\": \"NoDefault\"}")))
                .hasMessageContaining("has no default");
        assertThatThrownBy(() -> INTRINSICS.resolve("Fn", "X", json("{\"Fn::Select\": [5, [\"a\"]]}")))
                .hasMessageContaining("Fn::Select index 5 is outside");
    }

    @Test
    void anSsmParameterNeedsAGivenValue() {
        assertThatThrownBy(() -> INTRINSICS.resolve("Fn", "X", json("{\"Ref\": \"BootstrapVersion\"}")))
                .hasMessageContaining("SSM parameter /cdk-bootstrap/hnb659fds/version");
        Intrinsics given = new Intrinsics(TEMPLATE, new LocalNames(TEMPLATE, PSEUDO, n -> n), PSEUDO,
                Map.of("BootstrapVersion", "30"));
        assertThat(given.resolve("Fn", "X", json("{\"Ref\": \"BootstrapVersion\"}")).asText()).isEqualTo("30");
    }

    @Test
    void aTemplateWithConditionsIsRefused() {
        assertThatThrownBy(() -> Template.parse(json("{\"Conditions\": {\"C\": {}}, \"Resources\": {}}")))
                .hasMessageContaining("Conditions");
    }

    private static String resolve(String value) {
        return INTRINSICS.resolve("Fn", "X", json(value)).asText();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
