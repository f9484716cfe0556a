package dev.inferbus.local.sagemaker;

import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.functions.gpu.EndpointForwarder;
import dev.inferbus.local.cloud.AwsClients;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;

/**
 * A SageMaker stand-in on loopback with what calls it: the SDK (no retries, so a test sees each answer) and the gpu
 * forwarder, for real-time calls only (no S3, bucket or result store is reached).
 */
record StandIn(SageMakerServer server, SageMakerRuntimeClient sdk, SageMakerRuntimeAsyncClient asyncSdk,
               EndpointForwarder forwarder) implements AutoCloseable {

    static StandIn start(List<ModelSpec> models, Function<ModelSpec, ? extends SageMakerServer.EndpointModel> modelFor)
            throws IOException {
        SageMakerServer server = SageMakerServer.start(new InetSocketAddress("127.0.0.1", 0), models, modelFor, null, null,
                (e, ok, m) -> { }, "us-east-1");
        SageMakerRuntimeClient sdk = AwsClients.configure(SageMakerRuntimeClient.builder(), server.endpoint())
                .overrideConfiguration(o -> o.retryStrategy(DefaultRetryStrategy.doNotRetry())).build();
        SageMakerRuntimeAsyncClient asyncSdk = SageMakerRuntimeAsyncClient.builder().endpointOverride(server.endpoint())
                .region(Region.of(AwsClients.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build();
        return new StandIn(server, sdk, asyncSdk,
                new EndpointForwarder(asyncSdk, null, null, null, EventCodec.create(), Clock.systemUTC()));
    }

    @Override
    public void close() {
        asyncSdk.close();
        sdk.close();
        server.close();
    }
}
