package dev.inferbus.local.iam.gateway.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * What a client needs to trust the gateway's certificate: the local certificate authority, as a PKCS12 truststore
 * (for JVMs) and as a PEM bundle (for the AWS CLI's {@code --ca-bundle} and botocore's {@code AWS_CA_BUNDLE}).
 *
 * <p>A function process gets it through {@link #javaToolOptions()}; the local cloud's own SDK clients through
 * {@link #trustManagers()} ({@code UrlConnectionHttpClient.builder().tlsTrustManagersProvider(trust::trustManagers)}).
 */
public record TrustMaterial(Path truststore, String truststorePassword, Path caBundle) {

    public static final String TRUSTSTORE_TYPE = "PKCS12";

    /**
     * The system properties that make a JVM's default SSL context trust the local authority (and only it), for
     * {@code JAVA_TOOL_OPTIONS}, which carries them into a function process whose command line is the runtime's.
     * {@code JAVA_TOOL_OPTIONS} has no quoting: the truststore's path must have no spaces.
     */
    public List<String> javaOptions() {
        return List.of("-Djavax.net.ssl.trustStore=" + truststore, "-Djavax.net.ssl.trustStorePassword=" + truststorePassword,
                "-Djavax.net.ssl.trustStoreType=" + TRUSTSTORE_TYPE);
    }

    /** {@link #javaOptions()} as one {@code JAVA_TOOL_OPTIONS} value. */
    public String javaToolOptions() {
        return String.join(" ", javaOptions());
    }

    /** The variable botocore (the AWS CLI, boto3) reads its CA bundle from. */
    public Map<String, String> environment() {
        return Map.of("AWS_CA_BUNDLE", caBundle.toString());
    }

    /** Trust managers that trust the local authority only. */
    public TrustManager[] trustManagers() {
        try (InputStream in = Files.newInputStream(truststore)) {
            KeyStore store = KeyStore.getInstance(TRUSTSTORE_TYPE);
            store.load(in, truststorePassword.toCharArray());
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the truststore " + truststore, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the truststore " + truststore, e);
        }
    }

    /** A client SSL context that trusts the local authority only (for the JDK's HTTP client). */
    public SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a TLS context", e);
        }
    }
}
