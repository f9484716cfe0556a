package dev.inferbus.local.cloud;

import dev.inferbus.local.lambda.Invoker;
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
    public String tableName() {
        return cloud.tableName();
    }

    @Override
    public String bucketName() {
        return cloud.bucketName();
    }

    @Override
    public String busName() {
        return cloud.busName();
    }

    @Override
    public AwsClients clients() {
        return cloud.clients();
    }

    @Override
    public void attach(String functionName, Invoker invoker) {
        cloud.replaceFunction(functionName, invoker);
    }

    @Override
    public String deadLetterQueueUrl(String functionName) {
        return cloud.deadLetterQueueUrl(functionName);
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
