package dev.inferbus.local.emulators;

import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import java.net.URI;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * DynamoDB Local, in memory, in this process. Its own runner binds every interface and reports telemetry; this
 * mounts its request handler on a Jetty connector bound to 127.0.0.1 instead, and never configures telemetry.
 * Its sqlite4java natives are found through {@code -Dsqlite4java.library.path} (the build copies them).
 */
public final class DynamoDbLocalServer implements Emulator {

    private final Server server;
    private final int port;

    private DynamoDbLocalServer(Server server, int port) {
        this.server = server;
        this.port = port;
    }

    public static DynamoDbLocalServer start(int port) throws Exception {
        if (System.getProperty("sqlite4java.library.path") == null) {
            throw new IllegalStateException("DynamoDB Local needs -Dsqlite4java.library.path=<folder with libsqlite4java-*.so>"
                    + " (the local module's build copies them to local/target/native-libs)");
        }
        LocalDynamoDBServerHandler handler = new LocalDynamoDBServerHandler(
                new LocalDynamoDBRequestHandler(0, true, null, true, false), null);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new DynamoDBProxyServer(port, handler).setUpHandler(handler));
        server.start();
        return new DynamoDbLocalServer(server, connector.getLocalPort());
    }

    @Override
    public String service() {
        return "dynamodb";
    }

    @Override
    public URI endpoint() {
        return Emulator.loopback(port);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop", e);
        }
    }
}
