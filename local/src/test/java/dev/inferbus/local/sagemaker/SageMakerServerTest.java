package dev.inferbus.local.sagemaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.catalog.Task;
import dev.inferbus.local.cloud.AwsClients;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException;
import software.amazon.awssdk.services.sagemakerruntime.model.SageMakerRuntimeException;
import software.amazon.awssdk.services.sagemakerruntime.model.ValidationErrorException;

/** Both faces of the local endpoint, spoken to by the AWS SDK and by plain HTTP, over a stand-in model. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SageMakerServerTest {

    private SageMakerServer server;
    private SageMakerRuntimeClient sdk;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        List<ModelSpec> gpu = CatalogLoader.loadClasspath().models().stream()
                .filter(m -> m.endpoint() != null && m.task() == Task.TEXT_EMBEDDING).toList();
        server = SageMakerServer.start(new InetSocketAddress("127.0.0.1", 0), gpu, model -> new LengthModel(), null, null,
                (e, ok, m) -> { }, "us-east-1");
        sdk = AwsClients.configure(SageMakerRuntimeClient.builder(), server.endpoint())
                .overrideConfiguration(o -> o.retryStrategy(software.amazon.awssdk.retries.DefaultRetryStrategy.doNotRetry())).build();
    }

    @AfterEach
    void noFaults() {
        server.faults(Faults.NONE);
    }

    @AfterAll
    void stop() {
        sdk.close();
        server.close();
    }

    @Test
    void theSdkInvokesAnEndpointInItsWireFormat() {
        var response = sdk.invokeEndpoint(b -> b.endpointName("inferbus-embed").contentType("application/json")
                .body(SdkBytes.fromUtf8String("{\"inputs\":[\"abc\",\"hello\"]}")));

        assertThat(response.body().asUtf8String()).isEqualTo("[[3.0,1.0],[5.0,1.0]]");
        assertThat(response.invokedProductionVariant()).isEqualTo("AllTraffic");
    }

    @Test
    void errorsComeBackAsSageMakersExceptionTypes() {
        assertThatThrownBy(() -> sdk.invokeEndpoint(b -> b.endpointName("no-such-endpoint").body(SdkBytes.fromUtf8String("{}"))))
                .isInstanceOf(ValidationErrorException.class).hasMessageContaining("Endpoint no-such-endpoint of account");
        assertThatThrownBy(() -> sdk.invokeEndpoint(b -> b.endpointName("inferbus-embed").body(SdkBytes.fromUtf8String("{\"texts\":[]}"))))
                .isInstanceOfSatisfying(ModelErrorException.class, e -> assertThat(e.originalStatusCode()).isEqualTo(400));

        server.faults(new Faults(0, 1, 0, 0));
        assertThatThrownBy(() -> sdk.invokeEndpoint(b -> b.endpointName("inferbus-embed").body(SdkBytes.fromUtf8String("{\"inputs\":[\"a\"]}"))))
                .isInstanceOfSatisfying(SageMakerRuntimeException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
                    assertThat(e.isThrottlingException()).isTrue();
                });
        server.faults(new Faults(0, 0, 1, 0));
        assertThatThrownBy(() -> sdk.invokeEndpoint(b -> b.endpointName("inferbus-embed").body(SdkBytes.fromUtf8String("{\"inputs\":[\"a\"]}"))))
                .isInstanceOfSatisfying(SageMakerRuntimeException.class, e -> assertThat(e.statusCode()).isEqualTo(503));
        assertThat(server.stats("inferbus-embed").orElseThrow().throttled()).isPositive();
    }

    @Test
    void theContainerContractAnswersPingAndInvocations() throws Exception {
        HttpResponse<String> ping = http.send(HttpRequest.newBuilder(server.endpoint().resolve("/ping")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> ok = post("/invocations", "{\"inputs\":\"four\"}");
        HttpResponse<String> bad = post("/invocations", "{\"inputs\":[1]}");

        assertThat(ping.statusCode()).isEqualTo(200);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("[[4.0,1.0]]");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("expected strings");
    }

    /** A stand-in model whose vector of a text is (its length, 1), so answers can be checked exactly; no text is too long. */
    private record LengthModel() implements SageMakerServer.TextModel {
        @Override
        public List<float[]> embed(List<String> texts) {
            return texts.stream().map(t -> new float[] {t.length(), 1f}).toList();
        }

        @Override
        public int maxInputTokens() {
            return Integer.MAX_VALUE;
        }

        @Override
        public int tokens(String text) {
            return text.length();
        }
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
