package dev.inferbus.local.cloud;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.local.eventbridge.EventRouter;
import java.util.Optional;

/**
 * What an integration test needs of a cloud: its clients, the catalog's resources, and functions attached to
 * their routes. The embedded local cloud always serves; LocalStack serves where a Docker engine is reachable.
 */
public interface CloudBackend extends AutoCloseable {

    String name();

    ModelCatalog catalog();

    AwsClients clients();

    /** @see LocalCloud#attach(String, RequestHandler) */
    void attach(String functionName, RequestHandler<?, ?> handler);

    String queueUrl(String queueName);

    /** Routing counters, where the backend's bus exposes them (inferbus' own endpoint does, LocalStack's does not). */
    Optional<EventRouter.Stats> routing();

    @Override
    void close();
}
