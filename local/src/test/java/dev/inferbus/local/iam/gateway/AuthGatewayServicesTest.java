package dev.inferbus.local.iam.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inferbus.local.iam.AccessRequest;
import dev.inferbus.local.iam.gateway.services.AwsService;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.AccessDeniedException;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sagemakerruntime.model.SageMakerRuntimeException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.AuthorizationErrorException;

/**
 * Kinesis, EventBridge, SageMaker Runtime and SNS behind gateways over a canned upstream: what each call is
 * classified as, and each service's denial as its SDK client parses it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthGatewayServicesTest {

    static {
        // as the local cloud's clients (AwsClients): JSON rather than CBOR, which the canned upstream does not speak
        System.setProperty("aws.cborEnabled", "false");
    }

    private final GatewayFixture fixture = new GatewayFixture();
    private final CannedUpstream upstream = new CannedUpstream();
    private final List<AccessRequest> asked = new CopyOnWriteArrayList<>();
    private final GatewaySettings settings = fixture.settings(GatewaySettings.Mode.ENFORCE, Clock.systemUTC());
    private KinesisClient kinesis;
    private EventBridgeClient events;
    private SageMakerRuntimeClient sageMaker;
    private SnsClient sns;

    @BeforeAll
    void start() {
        fixture.allow(request -> !asked.add(request)); // records every question, grants nothing
        kinesis = fixture.client(KinesisClient.builder(), fixture.gateway(AwsService.KINESIS, upstream.endpoint(), settings),
                GatewayFixture.signedBy(fixture.roleKey)).build();
        events = fixture.client(EventBridgeClient.builder(), fixture.gateway(AwsService.EVENTS, upstream.endpoint(), settings),
                GatewayFixture.signedBy(fixture.roleKey)).build();
        sageMaker = fixture.client(SageMakerRuntimeClient.builder(),
                fixture.gateway(AwsService.SAGEMAKER_RUNTIME, upstream.endpoint(), settings),
                GatewayFixture.signedBy(fixture.roleKey)).build();
        sns = fixture.client(SnsClient.builder(), fixture.gateway(AwsService.SNS, upstream.endpoint(), settings),
                GatewayFixture.signedBy(fixture.roleKey)).build();
    }

    @AfterAll
    void stop() {
        kinesis.close();
        events.close();
        sageMaker.close();
        sns.close();
        fixture.close();
        upstream.close();
    }

    @Test
    void getRecordsIsAskedOnTheStreamItsLearntIteratorReads() {
        String readings = GatewayFixture.ARNS.stream("readings");
        fixture.allow(r -> r.resource().equals(readings));
        fixture.allow("kinesis:GetShardIterator", GatewayFixture.ARNS.stream("payroll"));

        String first = kinesis.getShardIterator(b -> b.streamName("readings").shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        String next = kinesis.getRecords(b -> b.shardIterator(first)).nextShardIterator();
        assertThat(kinesis.getRecords(b -> b.shardIterator(next)).nextShardIterator()).isEqualTo("readings-3");

        String payroll = kinesis.getShardIterator(b -> b.streamName("payroll").shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.LATEST)).shardIterator();
        assertThatThrownBy(() -> kinesis.getRecords(b -> b.shardIterator(payroll)))
                .isInstanceOfSatisfying(AccessDeniedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo(fixture.denial("kinesis:GetRecords", GatewayFixture.ARNS.stream("payroll")));
                });
        assertThat(settings.accessLog().decisions().get(fixture.role.arn()))
                .containsEntry(new AccessLog.Grant("kinesis:GetRecords", readings), new AccessLog.Counts(2, 0));
    }

    @Test
    void anIteratorNobodyHandedOutHasExpired() {
        int before = upstream.served.get();

        assertThatThrownBy(() -> kinesis.getRecords(b -> b.shardIterator("forged-1")))
                .isInstanceOfSatisfying(ExpiredIteratorException.class, e -> assertThat(e.statusCode()).isEqualTo(400));
        assertThat(upstream.served.get()).isEqualTo(before);
    }

    @Test
    void putEventsAsksEachEntrysBusWithItsSourceAndDetailType() {
        fixture.allow(r -> r.action().equals("events:PutEvents") && r.resource().equals(GatewayFixture.ARNS.eventBus("inferbus"))
                && "producer".equals(r.context().get("events:source")));
        String otherBus = "arn:aws:events:us-east-1:000000000000:event-bus/audit";

        PutEventsRequestEntry toInferbus = entry("inferbus");
        assertThat(events.putEvents(b -> b.entries(toInferbus)).failedEntryCount()).isZero();
        assertThatThrownBy(() -> events.putEvents(b -> b.entries(toInferbus, entry(otherBus))))
                .isInstanceOfSatisfying(EventBridgeException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(fixture.denial("events:PutEvents", otherBus));
                });
        assertThat(asked).filteredOn(r -> r.resource().equals(otherBus)).first()
                .satisfies(r -> assertThat(r.context()).containsAllEntriesOf(Map.of("events:source", "producer",
                        "events:detail-type", "InferenceRequested", "aws:SecureTransport", "true",
                        "aws:PrincipalArn", fixture.role.arn(), "aws:PrincipalAccount", GatewayFixture.ACCOUNT,
                        "aws:RequestedRegion", "us-east-1")));
    }

    @Test
    void startReplayAsksTheArchiveTheDestinationBusAndTheReplay() {
        String archive = "arn:aws:events:us-east-1:000000000000:archive/requests";
        String bus = GatewayFixture.ARNS.eventBus("inferbus");
        String replay = "arn:aws:events:us-east-1:000000000000:replay/granted";
        fixture.allow("events:StartReplay", archive);
        fixture.allow("events:StartReplay", bus);
        fixture.allow("events:StartReplay", replay);
        fixture.allow("events:DescribeReplay", replay);

        assertThat(events.startReplay(b -> b.replayName("granted").eventSourceArn(archive).eventStartTime(Instant.EPOCH)
                .eventEndTime(Instant.EPOCH.plusSeconds(60)).destination(d -> d.arn(bus))).stateAsString()).isEqualTo("STARTING");
        assertThat(events.describeReplay(b -> b.replayName("granted")).stateAsString()).isEqualTo("STARTING");
        assertThatThrownBy(() -> events.startReplay(b -> b.replayName("refused").eventSourceArn(archive).eventStartTime(Instant.EPOCH)
                .eventEndTime(Instant.EPOCH.plusSeconds(60)).destination(d -> d.arn(bus))))
                .isInstanceOfSatisfying(EventBridgeException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(fixture.denial("events:StartReplay",
                            "arn:aws:events:us-east-1:000000000000:replay/refused"));
                });
        assertThatThrownBy(() -> events.describeReplay(b -> b.replayName("refused")))
                .isInstanceOfSatisfying(EventBridgeException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo(fixture.denial("events:DescribeReplay", "arn:aws:events:us-east-1:000000000000:replay/refused")));
    }

    private static PutEventsRequestEntry entry(String bus) {
        return PutEventsRequestEntry.builder().eventBusName(bus).source("producer").detailType("InferenceRequested")
                .detail("{}").build();
    }

    @Test
    void sageMakerEndpointsAreAskedByTheirLowerCaseArn() {
        fixture.allow("sagemaker:InvokeEndpoint", "arn:aws:sagemaker:us-east-1:000000000000:endpoint/my-embedder");

        assertThat(sageMaker.invokeEndpoint(b -> b.endpointName("My-Embedder").contentType("application/json")
                .body(SdkBytes.fromUtf8String("{}"))).body().asUtf8String()).contains("embedding");
        assertThatThrownBy(() -> sageMaker.invokeEndpointAsync(b -> b.endpointName("My-Embedder")
                .inputLocation("s3://in/a.json")))
                .isInstanceOfSatisfying(SageMakerRuntimeException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(fixture.denial("sagemaker:InvokeEndpointAsync",
                            "arn:aws:sagemaker:us-east-1:000000000000:endpoint/my-embedder"));
                });
    }

    @Test
    void snsDenialsAreAuthorizationError403() {
        String allowed = GatewayFixture.ARNS.topic("completions");
        String other = GatewayFixture.ARNS.topic("billing");
        fixture.allow("sns:Publish", allowed);

        assertThat(sns.publish(b -> b.topicArn(allowed).message("done")).messageId()).isEqualTo("m-1");
        assertThatThrownBy(() -> sns.publish(b -> b.topicArn(other).message("done")))
                .isInstanceOfSatisfying(AuthorizationErrorException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AuthorizationError");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(fixture.denial("sns:Publish", other));
                });
    }
}
