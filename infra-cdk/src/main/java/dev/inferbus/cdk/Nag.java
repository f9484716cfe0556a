package dev.inferbus.cdk;

import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.DefaultStackSynthesizer;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.Validations;
import software.constructs.IConstruct;

/** cdk-nag acknowledgements, each with the reason it is true; kept beside the resources they are about. */
final class Nag {

    private Nag() {
    }

    static void acknowledge(IConstruct scope, String rule, String reason) {
        Validations.of(scope).acknowledge(Acknowledgment.builder().id(rule).reason(reason).build());
    }

    static final String BASIC_EXECUTION_ROLE =
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]";

    /** What every inferbus function is flagged for, and why each is right. */
    static void acknowledgeFunction(IConstruct function, String bucketLogicalId) {
        acknowledge(function, BASIC_EXECUTION_ROLE,
                "AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch Logs, which it must.");
        for (String prefix : new String[] {"models", "in", "results", "async-in", "async-out"}) {
            acknowledge(function, "AwsSolutions-IAM5[Resource::<" + bucketLogicalId + ".Arn>/" + prefix + "/*]",
                    "Object keys under " + prefix + "/ of the one payload bucket: model artifacts (read), claim checks "
                            + "(read), large outputs (write) or asynchronous inputs and outputs are named per request, so the grant is by prefix.");
        }
        acknowledge(function, "AwsSolutions-IAM5[Resource::*]", "Active tracing's xray:PutTraceSegments and "
                + "xray:PutTelemetryRecords support no resource-level permissions in AWS: '*' is the only resource they take.");
        acknowledge(function, "AwsSolutions-L1",
                "The build targets Java 21 (LTS) bytecode, which SnapStart supports on java21; moving runtimes is a deliberate upgrade.");
    }

    /** A SageMaker endpoint's execution role: the grants AWS defines without resource scope, and per-request objects. */
    static void acknowledgeEndpointRole(IConstruct role, String endpoint, String bucketLogicalId, boolean async) {
        Stack stack = Stack.of(role);
        // cdk-nag names an unresolved region or account by its pseudo parameter, a known one by its value
        String region = Token.isUnresolved(stack.getRegion()) ? "<AWS::Region>" : stack.getRegion();
        String account = Token.isUnresolved(stack.getAccount()) ? "<AWS::AccountId>" : stack.getAccount();
        acknowledge(role, "AwsSolutions-IAM5[Resource::*]", "ecr:GetAuthorizationToken has no resource scope in AWS, and "
                + "cloudwatch:PutMetricData has none either (it is limited to SageMaker's namespaces by condition).");
        acknowledge(role, "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:" + region + ":" + account
                        + ":log-group:/aws/sagemaker/Endpoints/" + endpoint + ":*]",
                "The endpoint's own log group; its streams are created per instance.");
        acknowledge(role, "AwsSolutions-IAM5[Action::kms:GenerateDataKey*]", "CDK's grantEncryptDecrypt on the endpoint's own key.");
        acknowledge(role, "AwsSolutions-IAM5[Action::kms:ReEncrypt*]", "CDK's grantEncryptDecrypt on the endpoint's own key.");
        if (async) {
            for (String prefix : new String[] {"async-in", "async-out", "async-failures"}) {
                acknowledge(role, "AwsSolutions-IAM5[Resource::<" + bucketLogicalId + ".Arn>/" + prefix + "/*]",
                        "Asynchronous inputs, outputs and failures are named per request under " + prefix + "/.");
            }
        }
    }

    /** SNS subscriptions of a function alias: SNS delivers to the alias's qualified ARN. */
    static void acknowledgeAliasSubscriptions(IConstruct alias) {
        acknowledge(alias, "CloudFormation-Validate::W3694", "SNS accepts a qualified function ARN (the alias 'live') as a lambda endpoint; the "
                + "schema check expects the function resource itself, but subscribing the alias is what keeps SnapStart's version in use.");
    }

    /** CDK's BucketDeployment custom resource (a singleton function of aws-cdk-lib) deploys the model artifacts. */
    static void acknowledgeBucketDeployment(Stack stack, String bucketLogicalId) {
        acknowledge(stack, BASIC_EXECUTION_ROLE, "The BucketDeployment handler writes only its own CloudWatch Logs.");
        String reason = "CDK's BucketDeployment copies the model assets from the CDK asset bucket into the payload "
                + "bucket; its grants are CDK's own, scoped to those two buckets.";
        for (String action : new String[] {"GetObject*", "GetBucket*", "List*", "DeleteObject*", "Abort*"}) {
            acknowledge(stack, "AwsSolutions-IAM5[Action::s3:" + action + "]", reason);
        }
        acknowledge(stack, "AwsSolutions-IAM5[Resource::<" + bucketLogicalId + ".Arn>/*]", reason);
        // cdk-nag prints the asset bucket with the stack's account and region where they are known
        String account = Token.isUnresolved(stack.getAccount()) ? "<AWS::AccountId>" : stack.getAccount();
        String region = Token.isUnresolved(stack.getRegion()) ? "<AWS::Region>" : stack.getRegion();
        acknowledge(stack, "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-"
                + DefaultStackSynthesizer.DEFAULT_QUALIFIER + "-assets-" + account + "-" + region + "/*]", reason);
        acknowledge(stack, "AwsSolutions-L1", "The BucketDeployment handler's runtime is chosen by aws-cdk-lib, not by inferbus.");
    }
}
