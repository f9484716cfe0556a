package dev.inferbus.local.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The local cloud's own clients outlive a server that drops a connection without answering. */
class AwsClientsTest {

    @Test
    void anUploadWhoseConnectionIsClosedWithoutAnAnswerIsRetried() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try (Socket socket = server.accept()) {
                        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
                        for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                            // the upload's headers, with Expect: 100-continue; its body is never asked for
                        }
                        if (connections.incrementAndGet() == 1) {
                            continue; // what a server closing an idle keep-alive connection looks like to its client
                        }
                        OutputStream out = socket.getOutputStream();
                        out.write("HTTP/1.1 200 OK\r\nETag: \"e\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.ISO_8859_1));
                    } catch (Exception closed) {
                        return;
                    }
                }
            });
            // S3 uploads are sent with Expect: 100-continue, as bucketDeployments() sends the stack's assets
            try (S3Client s3 = AwsClients.configure(S3Client.builder(), URI.create("http://127.0.0.1:" + server.getLocalPort()))
                    .forcePathStyle(true).build()) {
                assertThat(s3.putObject(b -> b.bucket("assets").key("models/a.onnx"), RequestBody.fromString("model")).eTag())
                        .isEqualTo("\"e\"");
            }
            assertThat(connections).hasValue(2);
        }
    }
}
