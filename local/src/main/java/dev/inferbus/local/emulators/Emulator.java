package dev.inferbus.local.emulators;

import java.net.URI;

/** A protocol server of the local cloud, started on loopback. */
public interface Emulator extends AutoCloseable {

    /** The service name printed by {@code ./inferbus up} ({@code endpoint.<service>=…}). */
    String service();

    URI endpoint();

    /** The http URI of a server bound to 127.0.0.1 on {@code port}: every emulator binds loopback only. */
    static URI loopback(int port) {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    void close();
}
