package dev.inferbus.local.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inferbus.local.cloud.AwsClients;
import dev.inferbus.local.emulators.S3ProxyServer;
import dev.inferbus.local.relay.ProxiedRequest;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A fault proxy in front of s3proxy, spoken to by the AWS SDK: signed, aws-chunked uploads and multi-MB downloads
 * pass byte for byte, and S3's XML errors parse as {@link S3Exception} with S3's status and code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultProxyS3Test {

    private static final String BUCKET = "models";
    private static final byte[] OBJECT = new byte[5 * 1024 * 1024 + 17]; // over the inspected part: streamed

    private S3ProxyServer s3;
    private FaultProxy proxy;
    private S3Client raw;
    private S3Client retrying;
    private S3Client direct;

    @BeforeAll
    void start() throws Exception {
        new Random(5).nextBytes(OBJECT);
        s3 = S3ProxyServer.start(0);
        proxy = FaultProxy.start("s3", 0, s3.endpoint());
        raw = AwsClients.configure(S3Client.builder(), proxy.endpoint()).forcePathStyle(true)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
        retrying = AwsClients.configure(S3Client.builder(), proxy.endpoint()).forcePathStyle(true).build();
        direct = AwsClients.configure(S3Client.builder(), s3.endpoint()).forcePathStyle(true).build();
        raw.createBucket(b -> b.bucket(BUCKET));
    }

    @AfterEach
    void clear() {
        proxy.clearRules();
    }

    @AfterAll
    void stop() {
        raw.close();
        retrying.close();
        direct.close();
        proxy.close();
        s3.close();
    }

    @Test
    void aFiveMegabyteObjectGoesUpAndComesBackByteIdentical() {
        raw.putObject(b -> b.bucket(BUCKET).key("model/weights.bin"), RequestBody.fromBytes(OBJECT));

        assertThat(raw.getObjectAsBytes(b -> b.bucket(BUCKET).key("model/weights.bin")).asByteArray()).isEqualTo(OBJECT);
        assertThat(direct.getObjectAsBytes(b -> b.bucket(BUCKET).key("model/weights.bin")).asByteArray()).isEqualTo(OBJECT);
        // a HEAD carries the object's length but no body
        assertThat(raw.headObject(b -> b.bucket(BUCKET).key("model/weights.bin")).contentLength()).isEqualTo(OBJECT.length);
        assertThat(raw.listObjectsV2(b -> b.bucket(BUCKET).prefix("model/")).contents())
                .anySatisfy(o -> assertThat(o.key()).isEqualTo("model/weights.bin"));
    }

    @Test
    void aSignedUploadArrivesWithItsSignatureAndBodyUnchanged() throws Exception {
        // outer proxy -> inner proxy -> s3proxy; both record, through a predicate that never matches, what they got
        List<ProxiedRequest> atOuter = new CopyOnWriteArrayList<>();
        List<ProxiedRequest> atInner = new CopyOnWriteArrayList<>();
        try (FaultProxy inner = FaultProxy.start("s3", 0, s3.endpoint());
             FaultProxy outer = FaultProxy.start("s3", 0, inner.endpoint());
             S3Client client = AwsClients.configure(S3Client.builder(), outer.endpoint()).forcePathStyle(true).build()) {
            outer.addRule(FaultRule.s3AccessDenied().when(r -> !atOuter.add(r)).build());
            inner.addRule(FaultRule.s3AccessDenied().when(r -> !atInner.add(r)).build());

            client.putObject(b -> b.bucket(BUCKET).key("signed/a b+c.bin"), RequestBody.fromBytes(OBJECT));

            ProxiedRequest sent = atOuter.getFirst();
            ProxiedRequest arrived = atInner.getFirst();
            assertThat(sent.header("Authorization")).startsWith("AWS4-HMAC-SHA256 ");
            assertThat(arrived.path()).isEqualTo(sent.path()).isEqualTo("/models/signed/a%20b%2Bc.bin");
            for (String signed : List.of("Authorization", "X-Amz-Date", "X-Amz-Content-Sha256", "Content-Length",
                    "Content-Encoding", "X-Amz-Decoded-Content-Length", "X-Amz-Trailer")) {
                assertThat(arrived.header(signed)).as(signed).isNotNull().isEqualTo(sent.header(signed));
            }
            assertThat(arrived.header("Host")).isEqualTo(inner.endpoint().getAuthority()); // rewritten, as documented
            assertThat(arrived.body()).isEqualTo(sent.body());
            assertThat(arrived.bodyTruncated()).isTrue();
        }
        assertThat(direct.getObjectAsBytes(b -> b.bucket(BUCKET).key("signed/a b+c.bin")).asByteArray()).isEqualTo(OBJECT);
    }

    @Test
    void slowDownParsesAsS3ExceptionWith503() {
        direct.putObject(b -> b.bucket(BUCKET).key("slow/a.txt"), RequestBody.fromString("a"));
        proxy.addRule(FaultRule.s3ServiceUnavailable().name("slow-gets").when(r -> r.method().equals("GET")).build());

        assertThatThrownBy(() -> raw.getObjectAsBytes(b -> b.bucket(BUCKET).key("slow/a.txt")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(503);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SlowDown");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Please reduce your request rate.");
                    assertThat(e.requestId()).matches("[0-9A-F]{16}");
                    assertThat(e.extendedRequestId()).isNotBlank();
                });
        assertThat(proxy.counts("slow-gets")).isEqualTo(new FaultCounts(1, 1));
    }

    @Test
    void accessDeniedBeforeAnUploadParsesAsS3ExceptionWith403AndNothingIsStored() {
        proxy.addRule(FaultRule.s3AccessDenied().name("deny-secret")
                .when(r -> r.method().equals("PUT") && r.path().contains("/secret/")).build());

        assertThatThrownBy(() -> raw.putObject(b -> b.bucket(BUCKET).key("secret/weights.bin"), RequestBody.fromBytes(OBJECT)))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                });
        assertThatThrownBy(() -> direct.headObject(b -> b.bucket(BUCKET).key("secret/weights.bin")))
                .isInstanceOf(NoSuchKeyException.class);
        // the proxy read the whole upload, and the connection carries on
        raw.putObject(b -> b.bucket(BUCKET).key("public/weights.bin"), RequestBody.fromBytes(OBJECT));
        assertThat(proxy.counts("deny-secret")).isEqualTo(new FaultCounts(1, 1));
    }

    @Test
    void aLostAnswerAfterALargeUploadLeavesTheObjectStored() {
        proxy.addRule(FaultRule.s3ServiceUnavailable().name("lost-put").after().when(r -> r.method().equals("PUT")).build());

        assertThatThrownBy(() -> raw.putObject(b -> b.bucket(BUCKET).key("lost/weights.bin"), RequestBody.fromBytes(OBJECT)))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(503));
        assertThat(direct.getObjectAsBytes(b -> b.bucket(BUCKET).key("lost/weights.bin")).asByteArray()).isEqualTo(OBJECT);
    }

    @Test
    void theSdksDefaultRetriesAbsorbOneSlowDown() {
        direct.putObject(b -> b.bucket(BUCKET).key("retry/a.bin"), RequestBody.fromBytes(OBJECT));
        proxy.addRule(FaultRule.s3ServiceUnavailable().name("once").when(r -> r.method().equals("GET")).maxCount(1).build());

        assertThat(retrying.getObjectAsBytes(b -> b.bucket(BUCKET).key("retry/a.bin")).asByteArray()).isEqualTo(OBJECT);
        assertThat(proxy.counts("once")).isEqualTo(new FaultCounts(2, 1));
    }
}
