package dev.inferbus.functions.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.util.Utils;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Loading and scoring every cpu model must not reach for the network: DJL is in offline mode, and every
 * connection the JVM opens (sockets and URL connections consult the default ProxySelector) is recorded and
 * refused unless it goes to loopback.
 */
class OfflineLoadingTest {

    @Test
    void modelsLoadAndScoreWithNetworkingRefused() throws Exception {
        List<URI> attempts = new CopyOnWriteArrayList<>();
        ProxySelector original = ProxySelector.getDefault();
        ProxySelector.setDefault(new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                if (!isLoopback(uri.getHost())) {
                    attempts.add(uri);
                    throw new IllegalStateException("network access refused in this test: " + uri);
                }
                return List.of(Proxy.NO_PROXY);
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
            }
        });
        try (ModelRuntime runtime = ModelRuntime.load(TestModels.catalog().models(), ArtifactSource.fromRoot("classpath:"))) {
            assertThat(Utils.isOfflineMode()).isTrue();
            assertThat(runtime.models()).extracting(m -> m.spec().id() + "@" + m.spec().version())
                    .containsExactly("fraud-scorer@1", "fraud-scorer@2", "sentence-embedder@1", "sentence-embedder@2",
                            "sensor-anomaly@1", "fraud-scorer-raw@1", "sensor-anomaly-raw@1");
            for (TaskModel<?> model : runtime.models()) {
                assertThat(primed(model)).isNotNull();
            }
        } finally {
            ProxySelector.setDefault(original);
        }
        assertThat(attempts).isEmpty();
    }

    private static <P> Object primed(TaskModel<P> model) throws Exception {
        return model.predict(List.of(model.prepare(model.primingInput(), "/input"))).get(0);
    }

    private static boolean isLoopback(String host) {
        try {
            return host != null && InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
