package dev.inferbus.local.iam.gateway.services;

import dev.inferbus.local.relay.ProxiedRequest;
import java.util.function.BiFunction;

/**
 * The services the gateway stands in front of: the name their SigV4 credential scope carries, how their requests are
 * classified, how they refuse, and how much of a request body the gateway reads before forwarding it.
 */
public enum AwsService {
    DYNAMODB("dynamodb", (arns, objects) -> new DynamoDbCalls(arns)),
    S3("s3", S3Calls::new),
    SQS("sqs", (arns, objects) -> new SqsCalls(arns)),
    KINESIS("kinesis", (arns, objects) -> new KinesisCalls(arns)),
    EVENTS("events", (arns, objects) -> new EventsCalls(arns)),
    /** SageMaker Runtime, which signs as {@code sagemaker}. */
    SAGEMAKER_RUNTIME("sagemaker", (arns, objects) -> new SageMakerCalls(arns)),
    SNS("sns", (arns, objects) -> new SnsCalls(arns));

    /**
     * The most of a body read before deciding: more than any request of these services may carry (a DynamoDB
     * BatchWriteItem is at most 16 MB, a SageMaker invocation 25 MB), so that bodies without
     * {@code x-amz-content-sha256} can be hashed and JSON bodies read whole.
     */
    public static final int MAX_READ_BODY = 32 << 20;

    private final String signingName;
    private final BiFunction<Arns, EncryptedObjects, Classifier> classifiers;

    AwsService(String signingName, BiFunction<Arns, EncryptedObjects, Classifier> classifiers) {
        this.signingName = signingName;
        this.classifiers = classifiers;
    }

    /**
     * Headers the gateway acts on and the emulator behind it must not see: the session token (authentication is the
     * gateway's; s3proxy refuses the header), and for S3 the SSE-KMS request headers (KMS is emulated here, in the
     * gateway's key checks; the emulator stores bytes as they come).
     */
    public java.util.Set<String> consumedHeaders() {
        return this == S3
                ? java.util.Set.of("x-amz-security-token", "x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id",
                        "x-amz-server-side-encryption-context", "x-amz-server-side-encryption-bucket-key-enabled")
                : java.util.Set.of("x-amz-security-token");
    }

    /** The service in the SigV4 credential scope, and the name of the local endpoint ({@code endpoint.<name>=…}). */
    public String signingName() {
        return signingName;
    }

    /** A fresh classifier for one gateway: the Kinesis one learns shard iterators from that gateway's answers. */
    public Classifier classifier(Arns arns) {
        return classifier(arns, new EncryptedObjects());
    }

    /** As {@link #classifier(Arns)}, S3's sharing what it learns of encrypted objects with the cloud's other S3 gateways. */
    public Classifier classifier(Arns arns, EncryptedObjects encryptedObjects) {
        return classifiers.apply(arns, encryptedObjects);
    }

    /**
     * How much of a body the gateway reads: none of S3's (objects stream through; S3 requests always carry
     * {@code x-amz-content-sha256} and name what they ask in the path), everything of the others' (up to
     * {@link #MAX_READ_BODY}).
     */
    public int readBody() {
        return this == S3 ? 0 : MAX_READ_BODY;
    }

    /** The way this service answers {@code request} with an error; SQS answers in the protocol it was asked in. */
    public ErrorDialect dialect(ProxiedRequest request) {
        return switch (this) {
            case DYNAMODB -> ErrorDialect.JSON_10;
            case KINESIS, EVENTS -> ErrorDialect.JSON_11;
            case SAGEMAKER_RUNTIME -> ErrorDialect.REST_JSON;
            case SQS -> SqsCalls.json(request) ? ErrorDialect.SQS_JSON : ErrorDialect.SQS_QUERY;
            case SNS -> ErrorDialect.SNS_QUERY;
            case S3 -> ErrorDialect.S3;
        };
    }
}
