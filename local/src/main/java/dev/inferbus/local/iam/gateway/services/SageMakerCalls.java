package dev.inferbus.local.iam.gateway.services;

import dev.inferbus.local.relay.PercentCoding;
import dev.inferbus.local.relay.ProxiedRequest;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SageMaker Runtime (REST-JSON): {@code POST /endpoints/{name}/invocations} is {@code sagemaker:InvokeEndpoint},
 * {@code /async-invocations} {@code sagemaker:InvokeEndpointAsync}, and the response-streaming one also needs
 * {@code sagemaker:InvokeEndpoint} ("Actions, resources, and condition keys for Amazon SageMaker AI",
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html), each on the
 * endpoint's ARN. SageMaker lower-cases the names in its ARNs: a denial for the endpoint {@code LaBSE} quotes
 * {@code endpoint/…labse}, so a policy naming the endpoint in its own case does not match
 * (https://github.com/philschmid/cdk-samples/issues/2).
 */
final class SageMakerCalls implements Classifier {

    private static final Pattern INVOCATION = Pattern.compile("/endpoints/([^/]+)/([a-z-]+)");
    private static final Map<String, String> ACTIONS = Map.of("invocations", "InvokeEndpoint",
            "async-invocations", "InvokeEndpointAsync", "invocations-response-stream", "InvokeEndpoint");

    private final Arns arns;

    SageMakerCalls(Arns arns) {
        this.arns = arns;
    }

    @Override
    public List<ServiceCall> classify(ProxiedRequest request) throws CallRefused {
        Matcher invocation = INVOCATION.matcher(request.path());
        String action = invocation.matches() && request.method().equals("POST") ? ACTIONS.get(invocation.group(2)) : null;
        if (action == null) {
            // what AWS's request router answers a path no operation has
            throw new CallRefused(new AwsError(404, "UnknownOperationException"),
                    "No operation of SageMaker Runtime is " + request.method() + " " + request.path());
        }
        return List.of(new ServiceCall("sagemaker:" + action, arns.endpoint(PercentCoding.decode(invocation.group(1)))));
    }
}
