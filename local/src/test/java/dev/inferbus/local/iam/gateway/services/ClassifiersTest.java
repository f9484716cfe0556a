package dev.inferbus.local.iam.gateway.services;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import dev.inferbus.local.relay.ProxiedRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each service's requests ask, without a network: the mappings the gateway tests do not reach. */
class ClassifiersTest {

    private static final Arns ARNS = new Arns("us-east-1", "000000000000");

    @Test
    void dynamoDbBatchesAskEachTableAndIndexQueriesTheIndex() throws CallRefused {
        Classifier dynamoDb = AwsService.DYNAMODB.classifier(ARNS);

        assertThat(dynamoDb.classify(json("DynamoDB_20120810.BatchWriteItem",
                "{\"RequestItems\":{\"results\":[],\"audit\":[]}}"))).containsExactly(
                new ServiceCall("dynamodb:BatchWriteItem", ARNS.table("results")),
                new ServiceCall("dynamodb:BatchWriteItem", ARNS.table("audit")));
        // the result cache's lookup: BatchGetItem, asked on the cache table its RequestItems names
        assertThat(dynamoDb.classify(json("DynamoDB_20120810.BatchGetItem",
                "{\"RequestItems\":{\"result-cache\":{\"Keys\":[{\"cacheKey\":{\"S\":\"m#1#ab\"}}]}}}"))).containsExactly(
                new ServiceCall("dynamodb:BatchGetItem", ARNS.table("result-cache")));
        assertThat(dynamoDb.classify(json("DynamoDB_20120810.Query", "{\"TableName\":\"results\",\"IndexName\":\"byModel\"}")))
                .containsExactly(new ServiceCall("dynamodb:Query", ARNS.table("results") + "/index/byModel"));
        assertThat(dynamoDb.classify(json("DynamoDB_20120810.ListTables", "{}")))
                .containsExactly(new ServiceCall("dynamodb:ListTables", "*"));
    }

    @Test
    void s3MapsMethodKeyAndSubresource() throws CallRefused {
        Classifier s3 = AwsService.S3.classifier(ARNS);

        assertThat(s3.classify(rest("HEAD", "/models/a%20b%2Bc.bin", ""))).containsExactly(
                new ServiceCall("s3:GetObject", "arn:aws:s3:::models/a b+c.bin"));
        assertThat(s3.classify(rest("POST", "/models/big.bin", "uploads"))).containsExactly(
                new ServiceCall("s3:PutObject", "arn:aws:s3:::models/big.bin"));
        assertThat(s3.classify(rest("PUT", "/models/big.bin", "partNumber=2&uploadId=u1"))).containsExactly(
                new ServiceCall("s3:PutObject", "arn:aws:s3:::models/big.bin"));
        assertThat(s3.classify(rest("DELETE", "/models/big.bin", "uploadId=u1"))).containsExactly(
                new ServiceCall("s3:AbortMultipartUpload", "arn:aws:s3:::models/big.bin"));
        assertThat(s3.classify(rest("DELETE", "/models/old.bin", ""))).containsExactly(
                new ServiceCall("s3:DeleteObject", "arn:aws:s3:::models/old.bin"));
        assertThat(s3.classify(rest("PUT", "/models", ""))).containsExactly(
                new ServiceCall("s3:CreateBucket", "arn:aws:s3:::models"));
        assertThat(s3.classify(rest("GET", "/models", "policy"))).containsExactly(
                new ServiceCall("s3:GetBucketPolicy", "arn:aws:s3:::models"));
        assertThat(s3.classify(rest("GET", "/", ""))).containsExactly(new ServiceCall("s3:ListAllMyBuckets", "*"));
    }

    @Test
    void sqsQueueComesFromTheUrlTheNameOrThePath() throws CallRefused {
        Classifier sqs = AwsService.SQS.classifier(ARNS);

        assertThat(sqs.classify(json("AmazonSQS.GetQueueUrl", "{\"QueueName\":\"jobs\"}")))
                .containsExactly(new ServiceCall("sqs:GetQueueUrl", ARNS.queue("jobs")));
        assertThat(sqs.classify(json("AmazonSQS.DeleteMessageBatch",
                "{\"QueueUrl\":\"http://127.0.0.1:9324/000000000000/jobs\",\"Entries\":[]}")))
                .containsExactly(new ServiceCall("sqs:DeleteMessage", ARNS.queue("jobs")));
        assertThat(sqs.classify(json("AmazonSQS.ListQueues", "{}"))).containsExactly(new ServiceCall("sqs:ListQueues", "*"));
        assertThat(sqs.classify(form("/", "Action=ChangeMessageVisibilityBatch&QueueUrl=http%3A%2F%2Fh%2F000000000000%2Fjobs")))
                .containsExactly(new ServiceCall("sqs:ChangeMessageVisibility", ARNS.queue("jobs")));
    }

    @Test
    void kinesisReadsTheSdksCborBodiesAndAnswers() throws Exception {
        Classifier kinesis = AwsService.KINESIS.classifier(ARNS);
        ObjectMapper cbor = new ObjectMapper(new CBORFactory());
        ProxiedRequest getIterator = request("Kinesis_20131202.GetShardIterator", "application/x-amz-cbor-1.1",
                cbor.writeValueAsBytes(Map.of("StreamName", "readings", "ShardId", "shardId-0")));

        assertThat(kinesis.classify(getIterator))
                .containsExactly(new ServiceCall("kinesis:GetShardIterator", ARNS.stream("readings")));
        kinesis.learn(getIterator, "application/x-amz-cbor-1.1", cbor.writeValueAsBytes(Map.of("ShardIterator", "AAA")));
        assertThat(kinesis.classify(request("Kinesis_20131202.GetRecords", "application/x-amz-cbor-1.1",
                cbor.writeValueAsBytes(Map.of("ShardIterator", "AAA")))))
                .containsExactly(new ServiceCall("kinesis:GetRecords", ARNS.stream("readings")));
        // an iterator it did not see, but the request names its stream
        assertThat(kinesis.classify(json("Kinesis_20131202.GetRecords",
                "{\"ShardIterator\":\"BBB\",\"StreamARN\":\"" + ARNS.stream("other") + "\"}")))
                .containsExactly(new ServiceCall("kinesis:GetRecords", ARNS.stream("other")));
    }

    @Test
    void eventsDefaultBusAndSnsTopics() throws CallRefused {
        assertThat(AwsService.EVENTS.classifier(ARNS).classify(json("AWSEvents.PutEvents",
                "{\"Entries\":[{\"Source\":\"s\",\"DetailType\":\"d\",\"Detail\":\"{}\"}]}")))
                .containsExactly(new ServiceCall("events:PutEvents", ARNS.eventBus("default"),
                        Map.of("events:source", "s", "events:detail-type", "d")));
        Classifier sns = AwsService.SNS.classifier(ARNS);
        assertThat(sns.classify(form("/", "Action=CreateTopic&Name=completions")))
                .containsExactly(new ServiceCall("sns:CreateTopic", ARNS.topic("completions")));
        assertThat(sns.classify(form("/", "Action=PublishBatch&TopicArn=" + ARNS.topic("completions"))))
                .containsExactly(new ServiceCall("sns:Publish", ARNS.topic("completions")));
    }

    @Test
    void eventsReplaysAskTheArchiveTheBusAndTheReplayAndTheListsAskNoResource() throws CallRefused {
        Classifier events = AwsService.EVENTS.classifier(ARNS);
        String archive = "arn:aws:events:us-east-1:000000000000:archive/requests";
        String replay = "arn:aws:events:us-east-1:000000000000:replay/rescore.fraud-scorer.2.20240501T100000";

        assertThat(events.classify(json("AWSEvents.StartReplay", "{\"ReplayName\":\"rescore.fraud-scorer.2.20240501T100000\","
                + "\"EventSourceArn\":\"" + archive + "\",\"EventStartTime\":1,\"EventEndTime\":2,"
                + "\"Destination\":{\"Arn\":\"" + ARNS.eventBus("inferbus") + "\"}}"))).containsExactly(
                new ServiceCall("events:StartReplay", archive),
                new ServiceCall("events:StartReplay", ARNS.eventBus("inferbus")),
                new ServiceCall("events:StartReplay", replay));
        assertThat(events.classify(json("AWSEvents.DescribeReplay", "{\"ReplayName\":\"rescore.fraud-scorer.2.20240501T100000\"}")))
                .containsExactly(new ServiceCall("events:DescribeReplay", replay));
        assertThat(events.classify(json("AWSEvents.CancelReplay", "{\"ReplayName\":\"rescore.fraud-scorer.2.20240501T100000\"}")))
                .containsExactly(new ServiceCall("events:CancelReplay", replay));
        assertThat(events.classify(json("AWSEvents.DescribeArchive", "{\"ArchiveName\":\"requests\"}")))
                .containsExactly(new ServiceCall("events:DescribeArchive", archive));
        assertThat(events.classify(json("AWSEvents.DescribeEventBus", "{\"Name\":\"inferbus\"}")))
                .containsExactly(new ServiceCall("events:DescribeEventBus", ARNS.eventBus("inferbus")));
        assertThat(events.classify(json("AWSEvents.ListReplays", "{}"))).containsExactly(new ServiceCall("events:ListReplays", "*"));
        assertThat(events.classify(json("AWSEvents.ListArchives", "{\"EventSourceArn\":\"" + ARNS.eventBus("inferbus") + "\"}")))
                .containsExactly(new ServiceCall("events:ListArchives", "*"));
        assertThat(events.classify(json("AWSEvents.ListRules", "{\"EventBusName\":\"inferbus\"}")))
                .containsExactly(new ServiceCall("events:ListRules", "*"));
    }

    private static ProxiedRequest json(String target, String body) {
        return request(target, "application/x-amz-json-1.0", body.getBytes(StandardCharsets.UTF_8));
    }

    private static ProxiedRequest request(String target, String contentType, byte[] body) {
        return new ProxiedRequest("POST", "/", "", Map.of("X-Amz-Target", List.of(target), "Content-Type", List.of(contentType)),
                body, false);
    }

    private static ProxiedRequest form(String path, String body) {
        return new ProxiedRequest("POST", path, "", Map.of("Content-Type", List.of("application/x-www-form-urlencoded")),
                body.getBytes(StandardCharsets.UTF_8), false);
    }

    private static ProxiedRequest rest(String method, String path, String query) {
        return new ProxiedRequest(method, path, query, new LinkedHashMap<>(), new byte[0], false);
    }
}
