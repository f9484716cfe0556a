package dev.inferbus.local.emulators;

import java.net.URI;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/** ElasticMQ: an SQS-compatible server (query and JSON protocols, redrive to DLQs) in this process. */
public final class ElasticMqServer implements Emulator {

    private final SQSRestServer server;
    private final int port;

    private ElasticMqServer(SQSRestServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static ElasticMqServer start(int port, String region, String account) {
        SQSRestServer server = SQSRestServerBuilder.withPort(port).withInterface("127.0.0.1")
                .withAWSRegion(region).withAWSAccountId(account).start();
        int bound = server.waitUntilStarted().localAddress().getPort();
        return new ElasticMqServer(server, bound);
    }

    @Override
    public String service() {
        return "sqs";
    }

    @Override
    public URI endpoint() {
        return Emulator.loopback(port);
    }

    @Override
    public void close() {
        server.stopAndWait();
    }
}
