package dev.inferbus.local.cloud;

import dev.inferbus.local.lambda.Invoker;
import dev.inferbus.local.eventbridge.EventRouter;
import java.util.Optional;

/**
 * What an integration test needs of a cloud: its clients, the deployed resources, and test functions standing in
 * for the deployed ones. The embedded local cloud always serves; LocalStack serves where a Docker engine is reachable.
 */
public interface CloudBackend extends AutoCloseable {

    String name();

    AwsClients clients();

    String busName();

    /** The results table and the payload bucket of the deployment. */
    String tableName();

    String bucketName();

    /** Stands a test's function in for the catalog's function {@code functionName} ({@code cpu-batch}, …). */
    void attach(String functionName, Invoker invoker);

    /** Where the function's failed events end (its queue's DLQ, its on-failure destination). */
    String deadLetterQueueUrl(String functionName);

    /** Routing counters, where the backend's bus exposes them (inferbus' own endpoint does, LocalStack's does not). */
    Optional<EventRouter.Stats> routing();

    @Override
    void close();
}
