package dev.inferbus.local.emulators;

import java.net.URI;

/** A protocol server of the local cloud, started on loopback. */
public interface Emulator extends AutoCloseable {

    /** The service name printed by {@code ./inferbus up} ({@code endpoint.<service>=…}). */
    String service();

    URI endpoint();

    @Override
    void close();
}
