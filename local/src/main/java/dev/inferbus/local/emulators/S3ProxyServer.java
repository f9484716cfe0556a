package dev.inferbus.local.emulators;

import java.net.URI;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/** s3proxy over an in-memory blob store: an S3-compatible server (path-style) in this process. */
public final class S3ProxyServer implements Emulator {

    private final S3Proxy proxy;
    private final int port;

    private S3ProxyServer(S3Proxy proxy, int port) {
        this.proxy = proxy;
        this.port = port;
    }

    public static S3ProxyServer start(int port) throws Exception {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new TransientNio2BlobStore())
                .endpoint(Emulator.loopback(port))
                // local only: requests are signed by the SDK, and any credentials are accepted
                .awsAuthentication(AuthenticationType.NONE, null, null)
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
        return new S3ProxyServer(proxy, proxy.getPort());
    }

    @Override
    public String service() {
        return "s3";
    }

    @Override
    public URI endpoint() {
        return Emulator.loopback(port);
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("s3proxy did not stop", e);
        }
    }
}
