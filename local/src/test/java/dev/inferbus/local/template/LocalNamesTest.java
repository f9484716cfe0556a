package dev.inferbus.local.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class LocalNamesTest {

    private static final PseudoParameters PSEUDO = new PseudoParameters("My_Stack", "us-east-1", "000000000000");

    private static final Template TEMPLATE = parse("""
            {"Resources": {
              "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {}},
              "NamedBucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Fn::Sub": "data-${AWS::AccountId}"}}},
              "Fifo": {"Type": "AWS::SQS::Queue", "Properties": {"FifoQueue": true}},
              "AVeryLongLogicalIdThatGoesOnAndOnPastWhatLambdaAcceptsForAFunctionName0123": {"Type": "AWS::Lambda::Function", "Properties": {}},
              "AVeryLongLogicalIdThatGoesOnAndOnPastWhatLambdaAcceptsForAFunctionName4567": {"Type": "AWS::Lambda::Function", "Properties": {}},
              "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "scorer"}},
              "V1": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}}},
              "Other": {"Type": "AWS::Lambda::Function", "Properties": {}},
              "OtherV1": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Fn::GetAtt": ["Other", "Arn"]}}},
              "V2": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}}},
              "Live": {"Type": "AWS::Lambda::Alias", "Properties": {"FunctionName": {"Ref": "Fn"}, "Name": "live",
                        "FunctionVersion": {"Fn::GetAtt": ["V2", "Version"]}}},
              "Bus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": "inferbus"}},
              "Rule": {"Type": "AWS::Events::Rule", "Properties": {"EventBusName": {"Ref": "Bus"}}},
              "DefaultRule": {"Type": "AWS::Events::Rule", "Properties": {}},
              "Key": {"Type": "AWS::KMS::Key", "Properties": {}},
              "Topic": {"Type": "AWS::SNS::Topic", "Properties": {}},
              "Endpoint": {"Type": "AWS::SageMaker::Endpoint", "Properties": {"EndpointName": "Embed"}},
              "Role": {"Type": "AWS::IAM::Role", "Properties": {}},
              "Policy": {"Type": "AWS::SQS::QueuePolicy", "Properties": {}},
              "Loop": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::GetAtt": ["Loop", "QueueName"]}}}}}""");

    private final LocalNames names = new LocalNames(TEMPLATE, PSEUDO, name -> "http://localhost:4566/000000000000/" + name);

    @Test
    void generatedNamesAreStackDashLogicalIdMadeValidForTheService() {
        assertThat(names.name("Bucket")).isEqualTo("my-stack-bucket");
        assertThat(names.name("Fifo")).isEqualTo("My_Stack-Fifo.fifo");
        assertThat(names.name("Role")).isEqualTo("My_Stack-Role");
        assertThat(names.name("Policy")).isEqualTo("My_Stack-Policy");
    }

    @Test
    void tooLongNamesAreCutAndStayDistinct() {
        String first = names.name("AVeryLongLogicalIdThatGoesOnAndOnPastWhatLambdaAcceptsForAFunctionName0123");
        String second = names.name("AVeryLongLogicalIdThatGoesOnAndOnPastWhatLambdaAcceptsForAFunctionName4567");
        assertThat(first).hasSizeLessThanOrEqualTo(64).matches("[A-Za-z0-9_-]+").startsWith("My_Stack-AVeryLong");
        assertThat(second).hasSizeLessThanOrEqualTo(64).isNotEqualTo(first);
    }

    @Test
    void aNamingPropertyWinsEvenAsAnIntrinsic() {
        assertThat(names.name("NamedBucket")).isEqualTo("data-000000000000");
        assertThat(names.name("Fn")).isEqualTo("scorer");
        assertThat(names.name("Endpoint")).isEqualTo("Embed");
    }

    @Test
    void refsAndAttributesFollowEachTypesReturnValues() {
        assertThat(names.ref(resource("Fifo"))).hasValue("http://localhost:4566/000000000000/My_Stack-Fifo.fifo");
        assertThat(names.attribute(resource("Fifo"), "Arn")).hasValue("arn:aws:sqs:us-east-1:000000000000:My_Stack-Fifo.fifo");
        assertThat(names.ref(resource("Bucket"))).hasValue("my-stack-bucket");
        assertThat(names.attribute(resource("Bucket"), "Arn")).hasValue("arn:aws:s3:::my-stack-bucket");
        assertThat(names.attribute(resource("Bucket"), "RegionalDomainName"))
                .hasValue("my-stack-bucket.s3.us-east-1.amazonaws.com");
        assertThat(names.ref(resource("Topic"))).hasValue("arn:aws:sns:us-east-1:000000000000:My_Stack-Topic");
        assertThat(names.attribute(resource("Topic"), "TopicName")).hasValue("My_Stack-Topic");
        assertThat(names.ref(resource("Endpoint"))).hasValue("arn:aws:sagemaker:us-east-1:000000000000:endpoint/embed");
        assertThat(names.attribute(resource("Endpoint"), "EndpointName")).hasValue("Embed");
        assertThat(names.attribute(resource("Role"), "Arn")).hasValue("arn:aws:iam::000000000000:role/My_Stack-Role");
        assertThat(names.attribute(resource("Role"), "RoleId")).hasValueSatisfying(id -> assertThat(id).matches("AROA[0-9A-F]{17}"));
        assertThat(names.attribute(resource("Bucket"), "NoSuchThing")).isEmpty();
    }

    @Test
    void versionsAreNumberedPerFunctionInTemplateOrder() {
        assertThat(names.attribute(resource("V1"), "Version")).hasValue("1");
        assertThat(names.attribute(resource("OtherV1"), "Version")).hasValue("1");
        assertThat(names.attribute(resource("V2"), "Version")).hasValue("2");
        assertThat(names.ref(resource("V2"))).hasValue("arn:aws:lambda:us-east-1:000000000000:function:scorer:2");
        assertThat(names.ref(resource("OtherV1"))).hasValue("arn:aws:lambda:us-east-1:000000000000:function:My_Stack-Other:1");
    }

    @Test
    void anAliasArnIsTheFunctionArnAndTheAliasName() {
        assertThat(names.ref(resource("Live"))).hasValue("arn:aws:lambda:us-east-1:000000000000:function:scorer:live");
        assertThat(names.attribute(resource("Live"), "AliasArn")).isEqualTo(names.ref(resource("Live")));
    }

    @Test
    void aRuleOnACustomBusHasTheBusInItsArn() {
        assertThat(names.attribute(resource("Rule"), "Arn"))
                .hasValue("arn:aws:events:us-east-1:000000000000:rule/inferbus/My_Stack-Rule");
        assertThat(names.attribute(resource("DefaultRule"), "Arn"))
                .hasValue("arn:aws:events:us-east-1:000000000000:rule/My_Stack-DefaultRule");
    }

    @Test
    void aKeyIdIsAStableUuid() {
        String id = names.ref(resource("Key")).orElseThrow();
        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(new LocalNames(TEMPLATE, PSEUDO, n -> n).ref(resource("Key"))).hasValue(id);
        assertThat(names.attribute(resource("Key"), "Arn")).hasValue("arn:aws:kms:us-east-1:000000000000:key/" + id);
    }

    @Test
    void aNameThatDependsOnItselfIsReported() {
        assertThatThrownBy(() -> names.name("Loop")).isInstanceOf(UnresolvableIntrinsic.class)
                .hasMessageContaining("Loop.QueueName");
    }

    private static Resource resource(String id) {
        return TEMPLATE.resource(id).orElseThrow();
    }

    private static Template parse(String json) {
        try {
            return Template.parse(new ObjectMapper().readTree(json));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
