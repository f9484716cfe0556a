package dev.inferbus.local.iam.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inferbus.local.emulators.ElasticMqServer;
import dev.inferbus.local.iam.gateway.services.AwsService;
import dev.inferbus.local.iam.gateway.sigv4.Credential;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * A gateway in front of ElasticMQ: the SDK's SQS client (JSON protocol) and hand-made query-protocol requests
 * (signed by the SDK's own signer) are both classified by queue, and denied in the protocol they spoke.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthGatewaySqsTest {

    private final GatewayFixture fixture = new GatewayFixture();
    private final GatewaySettings settings = fixture.settings(GatewaySettings.Mode.ENFORCE, Clock.systemUTC());
    private final String jobs = GatewayFixture.ARNS.queue("jobs");
    private ElasticMqServer sqs;
    private AuthGateway gateway;
    private SqsClient role;
    private String queueUrl;
    private HttpClient http;

    @BeforeAll
    void start() {
        sqs = ElasticMqServer.start(0, "us-east-1", GatewayFixture.ACCOUNT);
        gateway = fixture.gateway(AwsService.SQS, sqs.endpoint(), settings);
        try (SqsClient admin = fixture.client(SqsClient.builder(), gateway, GatewayFixture.signedBy(fixture.credentials.admin()))
                .build()) {
            queueUrl = admin.createQueue(b -> b.queueName("jobs")).queueUrl();
        }
        role = fixture.client(SqsClient.builder(), gateway, GatewayFixture.signedBy(fixture.roleKey)).build();
        fixture.allow("sqs:SendMessage", jobs);
        http = HttpClient.newBuilder().sslContext(gateway.trust().sslContext()).build();
    }

    @AfterAll
    void stop() {
        http.close();
        role.close();
        fixture.close();
        sqs.close();
    }

    @Test
    void theJsonProtocolIsClassifiedByQueueAndBatchesAsTheirSingleAction() {
        role.sendMessage(b -> b.queueUrl(queueUrl).messageBody("one"));
        role.sendMessageBatch(b -> b.queueUrl(queueUrl)
                .entries(SendMessageBatchRequestEntry.builder().id("1").messageBody("two").build()));

        assertThat(settings.accessLog().decisions().get(fixture.role.arn()))
                .containsEntry(new AccessLog.Grant("sqs:SendMessage", jobs), new AccessLog.Counts(2, 0));
    }

    @Test
    void aJsonDenialIsAccessDenied403AsTheSdkParsesIt() {
        assertThatThrownBy(() -> role.receiveMessage(b -> b.queueUrl(queueUrl)))
                .isInstanceOfSatisfying(SqsException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(fixture.denial("sqs:ReceiveMessage", jobs));
                });
    }

    @Test
    void theQueryProtocolIsClassifiedFromItsFormOrItsPath() throws Exception {
        HttpResponse<String> sent = query("/", "Action=SendMessage&MessageBody=hi&Version=2012-11-05&QueueUrl="
                + URLEncoder.encode(queueUrl, StandardCharsets.UTF_8));
        assertThat(sent.statusCode()).isEqualTo(200);
        assertThat(sent.body()).contains("<SendMessageResponse");

        HttpResponse<String> toQueueUrl = query("/" + GatewayFixture.ACCOUNT + "/jobs",
                "Action=ReceiveMessage&Version=2012-11-05");
        assertThat(toQueueUrl.statusCode()).isEqualTo(403);
        assertThat(toQueueUrl.headers().firstValue("Content-Type")).hasValue("text/xml");
        assertThat(toQueueUrl.body()).contains("<Type>Sender</Type><Code>AccessDenied</Code><Message>"
                + fixture.denial("sqs:ReceiveMessage", jobs) + "</Message>");
    }

    /** A query-protocol POST, form-encoded and signed by the SDK's signer with the role's key. */
    private HttpResponse<String> query(String path, String form) throws Exception {
        byte[] body = form.getBytes(StandardCharsets.UTF_8);
        Credential key = fixture.roleKey;
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsSessionCredentialsIdentity.create(key.accessKeyId(), key.secretAccessKey(), key.sessionToken().orElseThrow()))
                .request(SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(URI.create(gateway.endpoint() + path))
                        .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8").build())
                .payload(() -> new ByteArrayInputStream(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sqs")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")).request();
        HttpRequest.Builder request = HttpRequest.newBuilder(signed.getUri()).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        // Host and Content-Length are the JDK client's to set, with the same values
        signed.forEachHeader((name, values) -> {
            if (!Set.of("host", "content-length").contains(name.toLowerCase())) {
                values.forEach(value -> request.header(name, value));
            }
        });
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
