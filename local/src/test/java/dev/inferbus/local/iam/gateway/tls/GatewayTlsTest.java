package dev.inferbus.local.iam.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The gateway's certificate against clients: trusted through each form of the trust material (an SSL context, the
 * PEM bundle's CA, and JAVA_TOOL_OPTIONS in a separate JVM), refused by a client that has none of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayTlsTest {

    private Path directory;
    private GatewayTls tls;
    private HttpsServer server;
    private URI endpoint;

    @BeforeAll
    void start() throws Exception {
        directory = Files.createTempDirectory("gateway-tls");
        tls = GatewayTls.create(directory.resolve("trust"));
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        endpoint = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @AfterAll
    void stop() {
        server.stop(0);
    }

    @Test
    void aClientTrustingTheMaterialConnectsAndOneWithoutFailsTheHandshake() throws Exception {
        try (HttpClient trusting = HttpClient.newBuilder().sslContext(tls.trust().sslContext()).build();
             HttpClient untrusting = HttpClient.newHttpClient()) {
            assertThat(trusting.send(HttpRequest.newBuilder(endpoint).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode()).isEqualTo(204);
            assertThat(trusting.send(HttpRequest.newBuilder(URI.create(endpoint.toString().replace("127.0.0.1", "localhost")))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(204);
            assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(endpoint).build(),
                    HttpResponse.BodyHandlers.discarding())).isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void thePemBundleHoldsTheAuthorityThatSignedTheServer() throws Exception {
        X509Certificate authority;
        try (InputStream in = Files.newInputStream(tls.trust().caBundle())) {
            authority = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        assertThat(authority.getBasicConstraints()).isNotNegative(); // a CA
        assertThat(Files.readString(tls.trust().caBundle())).startsWith("-----BEGIN CERTIFICATE-----\n");
        assertThat(tls.trust().truststore()).exists();
    }

    @Test
    void aSeparateJvmTrustsTheGatewayThroughJavaToolOptions() throws Exception {
        Path probe = Files.writeString(directory.resolve("Probe.java"), """
                public class Probe {
                    public static void main(String[] args) throws Exception {
                        var connection = (javax.net.ssl.HttpsURLConnection) java.net.URI.create(args[0]).toURL().openConnection();
                        System.out.print(connection.getResponseCode());
                    }
                }
                """);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java.toString(), probe.toString(), endpoint.toString()))
                .redirectErrorStream(true);
        builder.environment().put("JAVA_TOOL_OPTIONS", tls.trust().javaToolOptions());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());

        assertThat(process.waitFor()).as(output).isZero();
        assertThat(output).endsWith("204");
    }
}
