package dev.inferbus.local.iam.gateway.sigv4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inferbus.local.iam.Principal;
import dev.inferbus.local.relay.ProxiedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The verifier against requests signed by another implementation: botocore 1.43 (the AWS CLI's), which signs no
 * {@code x-amz-content-sha256} outside S3, so these requests are the ones the AWS SDK for Java's signer cannot
 * reproduce. Each was printed by botocore's {@code SigV4Auth}/{@code S3SigV4Auth} at a fixed time for the key below
 * (AWS's documentation example key). The SDK's own signatures are checked end to end by the gateway tests.
 */
class SigV4VerifierTest {

    private static final Instant SIGNED_AT = Instant.parse("2026-11-23T10:00:00Z");
    private static final Credential KEY = new Credential("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            Optional.empty(), Principal.admin("000000000000"));

    /** {@code POST /} DescribeTable as the AWS CLI sends it: no x-amz-content-sha256, the body hashed by the verifier. */
    private static ProxiedRequest describeTable(String body, String signature) {
        return request("POST", "/", "", body, Map.of(
                "X-Amz-Target", "DynamoDB_20120810.DescribeTable",
                "Content-Type", "application/x-amz-json-1.0",
                "X-Amz-Date", "20261123T100000Z",
                "Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261123/us-east-1/dynamodb/aws4_request,"
                        + " SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + signature));
    }

    private static final String DESCRIBE_TABLE_SIGNATURE = "1dff1018f61bbd9a2071dfff2761011275d16c76ed6d535a3c338d5a26eba2b5";

    @Test
    void acceptsTheCliSigningAJsonCallWithoutAPayloadHashHeader() {
        assertThat(verifier(SIGNED_AT).verify(describeTable("{\"TableName\":\"results\"}", DESCRIBE_TABLE_SIGNATURE),
                "us-east-1", "dynamodb"))
                .isEqualTo(new Authentication.Verified(KEY, "us-east-1"));
    }

    @Test
    void acceptsAnEncodedRepeatedQueryAndAFormBody() {
        ProxiedRequest sendMessage = request("POST", "/000000000000/jobs", "b=2&a=x%20y&a=1",
                "Action=SendMessage&MessageBody=hi&Version=2012-11-05", Map.of(
                        "Content-Type", "application/x-www-form-urlencoded; charset=utf-8",
                        "X-Amz-Date", "20261123T100000Z",
                        "Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261123/us-east-1/sqs/aws4_request,"
                                + " SignedHeaders=content-type;host;x-amz-date,"
                                + " Signature=e2b4dc5bdafd4822d017d65451b8c667524d9bff841856649434f0274d637f58"));

        assertThat(verifier(SIGNED_AT).verify(sendMessage, "us-east-1", "sqs")).isInstanceOf(Authentication.Verified.class);
    }

    @Test
    void acceptsAnS3KeyEncodedOnce() {
        assertThat(verifier(SIGNED_AT).verify(getObject("/models/a%20b%2Bc/d.txt"), "us-east-1", "s3"))
                .isInstanceOf(Authentication.Verified.class);
        // the same signature over another key is not valid
        assertThat(verifier(SIGNED_AT).verify(getObject("/models/a%20b%2Bc/e.txt"), "us-east-1", "s3"))
                .isEqualTo(new Authentication.Refused(Refusal.SIGNATURE_MISMATCH, "The request signature we calculated does"
                        + " not match the signature you provided. Check your AWS Secret Access Key and signing method."
                        + " Consult the service documentation for details."));
    }

    @Test
    void aChangedBodyOrAnotherSecretIsASignatureMismatch() {
        assertThat(refusal(verifier(SIGNED_AT).verify(describeTable("{\"TableName\":\"other\"}", DESCRIBE_TABLE_SIGNATURE),
                "us-east-1", "dynamodb"))).isEqualTo(Refusal.SIGNATURE_MISMATCH);
        Credential otherSecret = new Credential(KEY.accessKeyId(), "x" + KEY.secretAccessKey().substring(1),
                Optional.empty(), KEY.principal());
        SigV4Verifier verifier = new SigV4Verifier(id -> Optional.of(otherSecret), Clock.fixed(SIGNED_AT, ZoneOffset.UTC));
        assertThat(refusal(verifier.verify(describeTable("{\"TableName\":\"results\"}", DESCRIBE_TABLE_SIGNATURE),
                "us-east-1", "dynamodb"))).isEqualTo(Refusal.SIGNATURE_MISMATCH);
    }

    @Test
    void aScopeForAnotherServiceOrRegionIsRefused() {
        ProxiedRequest request = describeTable("{\"TableName\":\"results\"}", DESCRIBE_TABLE_SIGNATURE);

        assertThat(verifier(SIGNED_AT).verify(request, "us-east-1", "kinesis")).isEqualTo(new Authentication.Refused(
                Refusal.SIGNATURE_MISMATCH, "Credential should be scoped to correct service: 'kinesis'."));
        assertThat(verifier(SIGNED_AT).verify(request, "eu-west-1", "dynamodb")).isEqualTo(new Authentication.Refused(
                Refusal.SIGNATURE_MISMATCH, "Credential should be scoped to a valid region."));
    }

    @Test
    void aSignatureOlderOrNewerThanFifteenMinutesHasExpired() {
        ProxiedRequest request = describeTable("{\"TableName\":\"results\"}", DESCRIBE_TABLE_SIGNATURE);

        assertThat(verifier(SIGNED_AT.plus(Duration.ofMinutes(15))).verify(request, "us-east-1", "dynamodb"))
                .isInstanceOf(Authentication.Verified.class);
        assertThat(verifier(SIGNED_AT.plus(Duration.ofMinutes(16))).verify(request, "us-east-1", "dynamodb"))
                .isEqualTo(new Authentication.Refused(Refusal.SIGNATURE_EXPIRED, "Signature expired: 20261123T100000Z is now"
                        + " earlier than 20261123T100100Z (20261123T101600Z - 15 min.)"));
        assertThat(refusal(verifier(SIGNED_AT.minus(Duration.ofMinutes(16))).verify(request, "us-east-1", "dynamodb")))
                .isEqualTo(Refusal.SIGNATURE_EXPIRED);
    }

    @Test
    void unknownKeysMissingHeadersAndForeignTokensAreTold() {
        ProxiedRequest request = describeTable("{\"TableName\":\"results\"}", DESCRIBE_TABLE_SIGNATURE);
        SigV4Verifier nobody = new SigV4Verifier(id -> Optional.empty(), Clock.fixed(SIGNED_AT, ZoneOffset.UTC));
        assertThat(refusal(nobody.verify(request, "us-east-1", "dynamodb"))).isEqualTo(Refusal.UNKNOWN_ACCESS_KEY);

        Credential temporary = new Credential(KEY.accessKeyId(), KEY.secretAccessKey(), Optional.of("token"), KEY.principal());
        SigV4Verifier withToken = new SigV4Verifier(id -> Optional.of(temporary), Clock.fixed(SIGNED_AT, ZoneOffset.UTC));
        assertThat(refusal(withToken.verify(request, "us-east-1", "dynamodb"))).isEqualTo(Refusal.INVALID_SESSION_TOKEN);

        ProxiedRequest unsigned = request("POST", "/", "", "{}", Map.of("X-Amz-Date", "20261123T100000Z"));
        assertThat(refusal(verifier(SIGNED_AT).verify(unsigned, "us-east-1", "dynamodb")))
                .isEqualTo(Refusal.MISSING_AUTHENTICATION);

        Map<String, String> undated = new LinkedHashMap<>(Map.of("Authorization",
                request.header("Authorization"), "X-Amz-Target", "DynamoDB_20120810.DescribeTable"));
        assertThat(refusal(verifier(SIGNED_AT).verify(request("POST", "/", "", "{}", undated), "us-east-1", "dynamodb")))
                .isEqualTo(Refusal.INCOMPLETE_SIGNATURE);
    }

    @Test
    void aPayloadHashThatIsNotTheBodysIsRefusedBeforeTheSignature() {
        ProxiedRequest lying = request("PUT", "/models/a.txt", "", "changed", Map.of(
                "X-Amz-Date", "20261123T100000Z",
                "X-Amz-Content-Sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261123/us-east-1/s3/aws4_request,"
                        + " SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=00"));

        assertThat(refusal(verifier(SIGNED_AT).verify(lying, "us-east-1", "s3"))).isEqualTo(Refusal.PAYLOAD_HASH_MISMATCH);
    }

    private static ProxiedRequest getObject(String path) {
        return request("GET", path, "", "", Map.of(
                "X-Amz-Date", "20261123T100000Z",
                "X-Amz-Content-SHA256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261123/us-east-1/s3/aws4_request,"
                        + " SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
                        + " Signature=0acb806cfcaeaf9bfbf196df73430702f84bc5eb888eea63a26ef719009080fc"));
    }

    private static ProxiedRequest request(String method, String path, String query, String body, Map<String, String> headers) {
        Map<String, List<String>> all = new LinkedHashMap<>();
        headers.forEach((name, value) -> all.put(name, List.of(value)));
        all.put("Host", List.of("127.0.0.1:8443"));
        return new ProxiedRequest(method, path, query, all, body.getBytes(StandardCharsets.UTF_8), false);
    }

    private static SigV4Verifier verifier(Instant now) {
        return new SigV4Verifier(id -> id.equals(KEY.accessKeyId()) ? Optional.of(KEY) : Optional.empty(),
                Clock.fixed(now, ZoneOffset.UTC));
    }

    private static Refusal refusal(Authentication authentication) {
        return ((Authentication.Refused) authentication).refusal();
    }
}
