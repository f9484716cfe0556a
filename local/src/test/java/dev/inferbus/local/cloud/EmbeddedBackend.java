package dev.inferbus.local.cloud;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.local.eventbridge.EventRouter;
import java.util.Optional;

/** The embedded local cloud as a test backend. */
public final class EmbeddedBackend implements CloudBackend {

    private final LocalCloud cloud;

    EmbeddedBackend(LocalCloud cloud) {
        this.cloud = cloud;
    }

    @Override
    public String name() {
        return "embedded";
    }

    @Override
    public ModelCatalog catalog() {
        return cloud.catalog();
    }

    @Override
    public AwsClients clients() {
        return cloud.clients();
    }

    @Override
    public void attach(String functionName, RequestHandler<?, ?> handler) {
        cloud.attach(functionName, handler);
    }

    @Override
    public String queueUrl(String queueName) {
        return cloud.queueUrl(queueName);
    }

    @Override
    public Optional<EventRouter.Stats> routing() {
        return Optional.of(cloud.routing());
    }

    public LocalCloud cloud() {
        return cloud;
    }

    @Override
    public void close() {
        cloud.close();
    }
}
