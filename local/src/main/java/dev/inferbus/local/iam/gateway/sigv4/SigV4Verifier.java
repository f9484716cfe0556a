package dev.inferbus.local.iam.gateway.sigv4;

import dev.inferbus.local.relay.PercentCoding;
import dev.inferbus.local.relay.ProxiedRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a request's Signature Version 4 {@code Authorization} header the way AWS does: rebuilds the canonical request
 * from what arrived, signs it again with the secret of the key the header names, and compares in constant time
 * ("Create a signed AWS API request", https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
 *
 * <p>Why not re-sign with the AWS SDK's {@code AwsV4HttpSigner}: it always adds {@code x-amz-content-sha256} to the
 * headers it signs (its checksummer puts the header before the canonical request is built), and for aws-chunked
 * uploads it rewrites {@code Content-Length} and {@code Content-Encoding} from the decoded payload. Requests from
 * clients that do not sign that header (the AWS CLI and the other SDKs, for every service but S3) and the SDK's own
 * chunked S3 uploads could never be reproduced by it. The tests check this verifier against the SDK's signatures and
 * against requests signed by botocore.
 *
 * <p>The payload hash is the {@code x-amz-content-sha256} header when the request has one (S3 requires it; it may be
 * {@code UNSIGNED-PAYLOAD} or a {@code STREAMING-…} value for aws-chunked bodies, whose seed signature is what is
 * checked here: the per-chunk signatures and trailer signatures are not verified), else the SHA-256 of the body. A
 * hex hash is compared with the body when the whole body was read (every service but S3, whose bodies stream
 * through unread).
 */
public final class SigV4Verifier {

    /**
     * How far {@code X-Amz-Date} may be from the gateway's clock: the 15 minutes of S3's {@code RequestTimeTooSkewed}
     * ("Error responses", https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html) and of the JSON
     * services' "Signature expired: … (… - 15 min.)".
     */
    public static final Duration ALLOWED_SKEW = Duration.ofMinutes(15);

    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final String TERMINATOR = "aws4_request";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final HexFormat HEX = HexFormat.of();
    private static final HexFormat UPPER_HEX = HexFormat.of().withUpperCase();

    private static final String BAD_SIGNATURE = "The request signature we calculated does not match the signature you provided."
            + " Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
    private static final String INVALID_TOKEN = "The security token included in the request is invalid.";

    private final Function<String, Optional<Credential>> credentials;
    private final Clock clock;

    /** {@code credentials} looks a key id up ({@link CredentialsRegistry#find}); {@code clock} decides what is skewed. */
    public SigV4Verifier(Function<String, Optional<Credential>> credentials, Clock clock) {
        this.credentials = credentials;
        this.clock = clock;
    }

    /**
     * Verifies {@code request} as signed for {@code signingName} (the credential scope's service: {@code dynamodb},
     * {@code s3}…) in {@code region}.
     */
    public Authentication verify(ProxiedRequest request, String region, String signingName) {
        String authorization = request.header("Authorization");
        if (authorization == null) {
            return refused(Refusal.MISSING_AUTHENTICATION, "Request is missing Authentication Token");
        }
        if (!authorization.startsWith(ALGORITHM + " ")) {
            return refused(Refusal.INCOMPLETE_SIGNATURE, "Authorization header requires the " + ALGORITHM + " algorithm.");
        }
        Map<String, String> parts = components(authorization.substring(ALGORITHM.length() + 1));
        for (String required : List.of("Credential", "SignedHeaders", "Signature")) {
            if (!parts.containsKey(required)) {
                return refused(Refusal.INCOMPLETE_SIGNATURE, "Authorization header requires '" + required + "' parameter.");
            }
        }
        String[] scope = parts.get("Credential").split("/", -1);
        if (scope.length != 5) {
            return refused(Refusal.INCOMPLETE_SIGNATURE,
                    "Credential should be of the form <key id>/<date>/<region>/<service>/aws4_request.");
        }
        String amzDate = request.header("X-Amz-Date");
        Instant signedAt = amzDate == null ? null : parse(amzDate);
        if (signedAt == null) {
            // the Date header AWS also accepts is not: every SDK and the CLI send X-Amz-Date
            return refused(Refusal.INCOMPLETE_SIGNATURE,
                    "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        Optional<Credential> found = credentials.apply(scope[0]);
        if (found.isEmpty()) {
            return refused(Refusal.UNKNOWN_ACCESS_KEY, INVALID_TOKEN);
        }
        Credential credential = found.get();
        if (!credential.sessionToken().equals(Optional.ofNullable(request.header("X-Amz-Security-Token")))) {
            return refused(Refusal.INVALID_SESSION_TOKEN, INVALID_TOKEN);
        }
        Authentication scoped = checkScope(scope, amzDate, region, signingName);
        if (scoped != null) {
            return scoped;
        }
        Authentication timely = checkSkew(signedAt);
        if (timely != null) {
            return timely;
        }
        String payloadHash = request.header("x-amz-content-sha256");
        if (payloadHash == null && request.bodyTruncated()) {
            return refused(Refusal.INCOMPLETE_SIGNATURE, "Missing required header for this request: x-amz-content-sha256");
        }
        if (payloadHash == null) {
            payloadHash = sha256(request.body());
        } else if (HEX_SHA256.matcher(payloadHash).matches() && !request.bodyTruncated()
                && !payloadHash.equalsIgnoreCase(sha256(request.body()))) {
            return refused(Refusal.PAYLOAD_HASH_MISMATCH,
                    "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }
        List<String> signedHeaders = Arrays.asList(parts.get("SignedHeaders").split(";"));
        String canonical = String.join("\n", request.method(), canonicalUri(request.path(), signingName.equals("s3")),
                canonicalQuery(request.query()), canonicalHeaders(request, signedHeaders), String.join(";", signedHeaders),
                payloadHash);
        String stringToSign = String.join("\n", ALGORITHM, amzDate, String.join("/", Arrays.copyOfRange(scope, 1, 5)),
                sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + credential.secretAccessKey()).getBytes(StandardCharsets.UTF_8), scope[1]);
        for (int i = 2; i < 5; i++) {
            key = hmac(key, scope[i]);
        }
        byte[] expected = HEX.formatHex(hmac(key, stringToSign)).getBytes(StandardCharsets.US_ASCII);
        byte[] provided = parts.get("Signature").toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, provided)) {
            return refused(Refusal.SIGNATURE_MISMATCH, BAD_SIGNATURE);
        }
        return new Authentication.Verified(credential, region);
    }

    /** The scope must be the request's date, this region and this service, as AWS's messages for each say. */
    private static Authentication checkScope(String[] scope, String amzDate, String region, String signingName) {
        if (!scope[1].equals(amzDate.substring(0, 8))) {
            return refused(Refusal.SIGNATURE_MISMATCH, "Date in Credential scope does not match YYYYMMDD from ISO-8601"
                    + " version of date from HTTP: '" + scope[1] + "' != '" + amzDate.substring(0, 8) + "', from 'X-Amz-Date'.");
        }
        if (!scope[2].equals(region)) {
            return refused(Refusal.SIGNATURE_MISMATCH, "Credential should be scoped to a valid region.");
        }
        if (!scope[3].equals(signingName)) {
            return refused(Refusal.SIGNATURE_MISMATCH, "Credential should be scoped to correct service: '" + signingName + "'.");
        }
        if (!scope[4].equals(TERMINATOR)) {
            return refused(Refusal.SIGNATURE_MISMATCH, "Credential should be scoped with a valid terminator: 'aws4_request'.");
        }
        return null;
    }

    private Authentication checkSkew(Instant signedAt) {
        Instant now = clock.instant();
        if (signedAt.isBefore(now.minus(ALLOWED_SKEW))) {
            return refused(Refusal.SIGNATURE_EXPIRED, "Signature expired: " + AMZ_DATE.format(signedAt) + " is now earlier than "
                    + AMZ_DATE.format(now.minus(ALLOWED_SKEW)) + " (" + AMZ_DATE.format(now) + " - 15 min.)");
        }
        if (signedAt.isAfter(now.plus(ALLOWED_SKEW))) {
            return refused(Refusal.SIGNATURE_EXPIRED, "Signature not yet current: " + AMZ_DATE.format(signedAt)
                    + " is still later than " + AMZ_DATE.format(now.plus(ALLOWED_SKEW)) + " (" + AMZ_DATE.format(now)
                    + " + 15 min.)");
        }
        return null;
    }

    /** {@code Credential=…, SignedHeaders=…, Signature=…}, separated by commas and optional spaces. */
    private static Map<String, String> components(String header) {
        Map<String, String> parts = new LinkedHashMap<>();
        for (String part : header.split(",")) {
            int equals = part.indexOf('=');
            if (equals > 0) {
                parts.put(part.substring(0, equals).trim(), part.substring(equals + 1).trim());
            }
        }
        return parts;
    }

    private static Instant parse(String amzDate) {
        try {
            return Instant.from(AMZ_DATE.parse(amzDate));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * The path, URI-encoded once for S3 and twice for every other service (each as its segments were decoded); other
     * services' paths are also not normalized here, which no valid request of theirs needs.
     */
    private static String canonicalUri(String rawPath, boolean s3) {
        if (rawPath.isEmpty()) {
            return "/";
        }
        String once = encode(PercentCoding.decode(rawPath), false);
        return s3 ? once : encode(once, false);
    }

    /** Parameters decoded, then encoded as SigV4 says, sorted by name then value; a bare name gets an empty value. */
    private static String canonicalQuery(String rawQuery) {
        List<String[]> parameters = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            parameters.add(new String[] {encode(PercentCoding.decode(name), true), encode(PercentCoding.decode(value), true)});
        }
        parameters.sort(Comparator.<String[], String>comparing(p -> p[0]).thenComparing(p -> p[1]));
        return parameters.stream().map(p -> p[0] + "=" + p[1]).collect(Collectors.joining("&"));
    }

    /** Each signed header: lower-case name, its values trimmed, inner runs of spaces made one, joined by commas. */
    private static String canonicalHeaders(ProxiedRequest request, List<String> signedHeaders) {
        StringBuilder canonical = new StringBuilder();
        for (String name : signedHeaders) {
            List<String> values = request.headers().getOrDefault(name, List.of());
            canonical.append(name).append(':')
                    .append(values.stream().map(v -> v.trim().replaceAll(" +", " ")).collect(Collectors.joining(",")))
                    .append('\n');
        }
        return canonical.toString();
    }

    /** RFC 3986 unreserved characters kept, everything else {@code %XX} in upper-case hex; {@code /} too unless a path. */
    private static String encode(String text, boolean slash) {
        StringBuilder encoded = new StringBuilder(text.length());
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~' || (c == '/' && !slash)) {
                encoded.append(c);
            } else {
                encoded.append('%').append(UPPER_HEX.toHexDigits(b));
            }
        }
        return encoded.toString();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    private static Authentication refused(Refusal refusal, String message) {
        return new Authentication.Refused(refusal, message);
    }
}
