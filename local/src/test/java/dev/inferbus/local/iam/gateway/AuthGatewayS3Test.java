package dev.inferbus.local.iam.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inferbus.local.emulators.S3ProxyServer;
import dev.inferbus.local.iam.gateway.services.AwsService;
import dev.inferbus.local.iam.gateway.sigv4.Credential;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A gateway in front of s3proxy, spoken to by the SDK's S3 client as the local cloud configures it (path style):
 * its default aws-chunked uploads pass verification, S3's own error codes come back as S3Exceptions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthGatewayS3Test {

    private static final byte[] OBJECT = new byte[3 * 1024 * 1024 + 5]; // several aws-chunked chunks

    private final GatewayFixture fixture = new GatewayFixture();
    private final GatewaySettings settings = fixture.settings(GatewaySettings.Mode.ENFORCE, Clock.systemUTC());
    private S3ProxyServer s3;
    private AuthGateway gateway;
    private S3Client admin;
    private S3Client role;

    @BeforeAll
    void start() throws Exception {
        new Random(7).nextBytes(OBJECT);
        s3 = S3ProxyServer.start(0);
        gateway = fixture.gateway(AwsService.S3, s3.endpoint(), settings);
        admin = client(fixture.credentials.admin());
        role = client(fixture.roleKey);
        admin.createBucket(b -> b.bucket("models"));
        fixture.allow("s3:PutObject", GatewayFixture.ARNS.object("models", "in/a b+c.bin"));
        fixture.allow("s3:GetObject", GatewayFixture.ARNS.object("models", "in/a b+c.bin"));
        fixture.allow("s3:PutObject", GatewayFixture.ARNS.object("models", "out/copy.bin"));
    }

    @AfterAll
    void stop() {
        admin.close();
        role.close();
        fixture.close();
        s3.close();
    }

    private S3Client client(Credential credential) {
        return fixture.client(S3Client.builder(), gateway, GatewayFixture.signedBy(credential)).forcePathStyle(true).build();
    }

    @Test
    void theSdksChunkedUploadPassesAndTheObjectArrivesWhole() {
        role.putObject(b -> b.bucket("models").key("in/a b+c.bin"), RequestBody.fromBytes(OBJECT));

        assertThat(role.getObjectAsBytes(b -> b.bucket("models").key("in/a b+c.bin")).asByteArray()).isEqualTo(OBJECT);
        assertThat(settings.accessLog().decisions().get(fixture.role.arn())).containsKeys(
                new AccessLog.Grant("s3:PutObject", "arn:aws:s3:::models/in/a b+c.bin"),
                new AccessLog.Grant("s3:GetObject", "arn:aws:s3:::models/in/a b+c.bin"));
    }

    @Test
    void aDeniedReadIsAccessDenied403() {
        admin.putObject(b -> b.bucket("models").key("secret.txt"), RequestBody.fromString("s"));

        assertThatThrownBy(() -> role.getObjectAsBytes(b -> b.bucket("models").key("secret.txt")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                    assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo(fixture.denial("s3:GetObject", "arn:aws:s3:::models/secret.txt"));
                });
    }

    @Test
    void aCopyAlsoNeedsToReadItsSource() {
        admin.putObject(b -> b.bucket("models").key("private/src.bin"), RequestBody.fromString("src"));

        assertThatThrownBy(() -> role.copyObject(b -> b.sourceBucket("models").sourceKey("private/src.bin")
                .destinationBucket("models").destinationKey("out/copy.bin")))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo(fixture.denial("s3:GetObject", "arn:aws:s3:::models/private/src.bin")));
        assertThat(settings.accessLog().decisions().get(fixture.role.arn()))
                .containsEntry(new AccessLog.Grant("s3:PutObject", "arn:aws:s3:::models/out/copy.bin"), new AccessLog.Counts(1, 0));
    }

    @Test
    void listingABucketIsListBucketWithItsPrefix() {
        fixture.allow(r -> r.action().equals("s3:ListBucket") && "in/".equals(r.context().get("s3:prefix")));

        assertThat(role.listObjectsV2(b -> b.bucket("models").prefix("in/")).sdkHttpResponse().isSuccessful()).isTrue();
        assertThatThrownBy(() -> role.listObjectsV2(b -> b.bucket("models").prefix("private/")))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
    }

    @Test
    void s3sOwnCodesForAnUnknownKeyABadSignatureAndNoSignature() {
        Credential stranger = new Credential("AKIAAAAAAAAAAAAAAAAA", "x".repeat(40), Optional.empty(), fixture.role);
        Credential forged = new Credential(fixture.roleKey.accessKeyId(), "x".repeat(40), fixture.roleKey.sessionToken(),
                fixture.role);
        Map<Credential, String> expected = Map.of(stranger, "InvalidAccessKeyId", forged, "SignatureDoesNotMatch");
        expected.forEach((credential, code) -> {
            try (S3Client client = client(credential)) {
                assertThatThrownBy(() -> client.getObjectAsBytes(b -> b.bucket("models").key("in/a b+c.bin")))
                        .isInstanceOfSatisfying(S3Exception.class, e -> {
                            assertThat(e.statusCode()).isEqualTo(403);
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
                        });
            }
        });
        try (S3Client anonymous = fixture.client(S3Client.builder(), gateway, AnonymousCredentialsProvider.create())
                .forcePathStyle(true).build()) {
            assertThatThrownBy(() -> anonymous.listBuckets()).isInstanceOfSatisfying(S3Exception.class, e -> {
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Access Denied");
            });
        }
    }

    @Test
    void withoutAuthAnUnsignedRequestPassesAsTheAdministrator() {
        GatewaySettings noAuth = fixture.settings(GatewaySettings.Mode.NO_AUTH, Clock.systemUTC());
        AuthGateway open = fixture.gateway(AwsService.S3, s3.endpoint(), noAuth);
        try (S3Client anonymous = fixture.client(S3Client.builder(), open, AnonymousCredentialsProvider.create())
                .forcePathStyle(true).build()) {
            assertThat(anonymous.listBuckets().buckets()).anySatisfy(b -> assertThat(b.name()).isEqualTo("models"));
        }
        assertThat(noAuth.accessLog().decisions().get(fixture.credentials.admin().principal().arn()))
                .containsEntry(new AccessLog.Grant("s3:ListAllMyBuckets", "*"), new AccessLog.Counts(1, 0));
    }
}
