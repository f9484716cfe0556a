package dev.inferbus.local.cloud;

import dev.inferbus.local.iam.gateway.sigv4.Credential;
import dev.inferbus.local.iam.gateway.tls.TrustMaterial;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Optional;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Who an SDK client signs as and which certificate authority it trusts: the local cloud's gateways answer over TLS
 * with a certificate of their own authority, and authorize each request as the principal whose key signed it.
 */
public record ClientIdentity(AwsCredentialsProvider credentials, Optional<TrustManager[]> trust) {

    /** Throwaway keys and the JVM's default trust, for an emulator reached directly (tests) or LocalStack. */
    public static ClientIdentity unauthenticated() {
        return new ClientIdentity(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")), Optional.empty());
    }

    /** A key the local cloud issued, trusting the local cloud's authority. */
    public static ClientIdentity of(Credential credential, TrustMaterial trust) {
        AwsCredentialsProvider provider = StaticCredentialsProvider.create(credential.sessionToken()
                .<software.amazon.awssdk.auth.credentials.AwsCredentials>map(token ->
                        AwsSessionCredentials.create(credential.accessKeyId(), credential.secretAccessKey(), token))
                .orElseGet(() -> AwsBasicCredentials.create(credential.accessKeyId(), credential.secretAccessKey())));
        return new ClientIdentity(provider, Optional.of(trust.trustManagers()));
    }

    /**
     * What a producer outside the local cloud has: the SDK's default credential chain (the keys {@code up} prints) and,
     * when {@code AWS_CA_BUNDLE} is set as the AWS CLI reads it, that PEM bundle as the only trusted authority.
     */
    public static ClientIdentity fromEnvironment() {
        String bundle = System.getenv("AWS_CA_BUNDLE");
        return new ClientIdentity(DefaultCredentialsProvider.builder().build(),
                bundle == null || bundle.isBlank() ? Optional.empty() : Optional.of(trusting(Path.of(bundle))));
    }

    /** The same variables read from a map ({@code up}'s {@code producer.env}) instead of the process environment. */
    public static ClientIdentity fromVariables(java.util.Map<String, String> variables) {
        String key = variables.get("AWS_ACCESS_KEY_ID");
        String secret = variables.get("AWS_SECRET_ACCESS_KEY");
        if (key == null || secret == null) {
            throw new IllegalArgumentException("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must both be set");
        }
        String token = variables.get("AWS_SESSION_TOKEN");
        String bundle = variables.get("AWS_CA_BUNDLE");
        return new ClientIdentity(StaticCredentialsProvider.create(token == null ? AwsBasicCredentials.create(key, secret)
                : AwsSessionCredentials.create(key, secret, token)),
                bundle == null || bundle.isBlank() ? Optional.empty() : Optional.of(trusting(Path.of(bundle))));
    }

    /** {@code KEY=VALUE} lines, as {@code up} writes {@code producer.env}. */
    public static java.util.Map<String, String> readVariables(Path file) throws IOException {
        java.util.Map<String, String> variables = new java.util.LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int equals = line.indexOf('=');
            if (equals > 0 && !line.startsWith("#")) {
                variables.put(line.substring(0, equals).trim(), line.substring(equals + 1).trim());
            }
        }
        return variables;
    }

    private static TrustManager[] trusting(Path pemBundle) {
        try (InputStream in = Files.newInputStream(pemBundle)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read AWS_CA_BUNDLE " + pemBundle, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("AWS_CA_BUNDLE " + pemBundle + " holds no usable certificate", e);
        }
    }
}
