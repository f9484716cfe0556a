package dev.inferbus.local.iam.gateway.services;

import java.util.Locale;

/**
 * The ARNs of one account's resources in one region, in each service's format ("Amazon Resource Names",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html; the resource types of each service in the
 * Service Authorization Reference, https://docs.aws.amazon.com/service-authorization/latest/reference/).
 */
public record Arns(String region, String account) {

    public String table(String name) {
        return "arn:aws:dynamodb:" + region + ":" + account + ":table/" + name;
    }

    /** S3 ARNs name neither region nor account: bucket names are global. */
    public String bucket(String bucket) {
        return "arn:aws:s3:::" + bucket;
    }

    public String object(String bucket, String key) {
        return bucket(bucket) + "/" + key;
    }

    public String queue(String name) {
        return "arn:aws:sqs:" + region + ":" + account + ":" + name;
    }

    public String stream(String name) {
        return "arn:aws:kinesis:" + region + ":" + account + ":stream/" + name;
    }

    public String eventBus(String name) {
        return "arn:aws:events:" + region + ":" + account + ":event-bus/" + name;
    }

    /** An EventBridge archive: {@code archive/<name>} (the Service Authorization Reference's archive type). */
    public String archive(String name) {
        return "arn:aws:events:" + region + ":" + account + ":archive/" + name;
    }

    /** An EventBridge replay: {@code replay/<name>} (the Service Authorization Reference's replay type). */
    public String replay(String name) {
        return "arn:aws:events:" + region + ":" + account + ":replay/" + name;
    }

    /** SageMaker keeps its ARNs lower-case, whatever the case of the endpoint's name (see {@link SageMakerCalls}). */
    public String endpoint(String name) {
        return "arn:aws:sagemaker:" + region + ":" + account + ":endpoint/" + name.toLowerCase(Locale.ROOT);
    }

    public String topic(String name) {
        return "arn:aws:sns:" + region + ":" + account + ":" + name;
    }
}
