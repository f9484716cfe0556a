package dev.inferbus.local.iam.gateway.services;

import dev.inferbus.local.relay.ProxiedRequest;
import java.util.List;
import java.util.Map;

/**
 * SNS (query protocol: {@code Action=Publish&TopicArn=…}): the action is {@code sns:} and the operation, on the topic
 * the request names ({@code TopicArn}, or {@code TargetArn} for Publish; CreateTopic names its topic by
 * {@code Name}); PublishBatch needs {@code sns:Publish} ("Actions, resources, and condition keys for Amazon SNS",
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html).
 */
final class SnsCalls implements Classifier {

    private final Arns arns;

    SnsCalls(Arns arns) {
        this.arns = arns;
    }

    @Override
    public List<ServiceCall> classify(ProxiedRequest request) {
        Map<String, String> form = Bodies.form(request);
        String operation = form.getOrDefault("Action", "");
        String topic = form.containsKey("TopicArn") ? form.get("TopicArn")
                : form.containsKey("TargetArn") ? form.get("TargetArn")
                : operation.equals("CreateTopic") && form.containsKey("Name") ? arns.topic(form.get("Name"))
                : "*";
        return List.of(new ServiceCall("sns:" + (operation.equals("PublishBatch") ? "Publish" : operation), topic));
    }
}
