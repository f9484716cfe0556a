package dev.inferbus.local.cloud;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.catalog.Tier;
import dev.inferbus.events.routing.Route;
import dev.inferbus.functions.config.FunctionConfig;
import dev.inferbus.functions.handler.AsyncCompletionHandler;
import dev.inferbus.functions.handler.DirectHandler;
import dev.inferbus.functions.handler.GpuForwardHandler;
import dev.inferbus.functions.handler.FunctionRuntime;
import dev.inferbus.functions.handler.KinesisBatchHandler;
import dev.inferbus.functions.handler.SqsBatchHandler;
import java.util.ArrayList;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real handler classes, wired to a local cloud the way the CDK app wires them in AWS: one function per
 * route (the reject route shares the direct function) plus the async completion function, each with its own runtime, configured by the same
 * environment variables — here pointing at the local endpoints.
 */
public final class LocalFunctions implements AutoCloseable {

    private final List<FunctionRuntime> runtimes = new ArrayList<>();
    private final List<Runnable> detachments = new ArrayList<>();
    private final List<ExecutionInterceptor> interceptors;

    public LocalFunctions() {
        this(List.of());
    }

    /** @param interceptors SDK interceptors for every function's AWS clients (the soak injects faults with them) */
    public LocalFunctions(List<ExecutionInterceptor> interceptors) {
        this.interceptors = List.copyOf(interceptors);
    }

    /** The environment a function of this catalog gets, as the CDK app sets it. */
    public static Map<String, String> environment(LocalCloud cloud, String functionName, String catalogLocation) {
        List<String> models = functionName.equals(Route.ASYNC_COMPLETION_FUNCTION)
                ? Route.asyncModels(cloud.catalog()).stream().map(ModelSpec::id).toList()
                : cloud.catalog().routes().stream()
                .filter(r -> r.functionName().equals(functionName))
                .flatMap(r -> r.models().stream()).map(ModelSpec::id).distinct().toList();
        Map<String, String> env = new LinkedHashMap<>();
        env.put(FunctionConfig.MODELS, String.join(",", models));
        env.put(FunctionConfig.CATALOG, catalogLocation);
        env.put(FunctionConfig.MODEL_ROOT, "classpath:");
        env.put(FunctionConfig.TABLE, LocalCloud.TABLE);
        env.put(FunctionConfig.BUS, cloud.catalog().bus());
        env.put(FunctionConfig.BUCKET, LocalCloud.BUCKET);
        env.put(FunctionConfig.ENDPOINT_PREFIX + "DYNAMODB", cloud.endpoints().of("dynamodb").toString());
        env.put(FunctionConfig.ENDPOINT_PREFIX + "S3", cloud.endpoints().of("s3").toString());
        env.put(FunctionConfig.ENDPOINT_PREFIX + "EVENTS", cloud.endpoints().of("events").toString());
        cloud.sageMaker().ifPresent(s -> env.put(FunctionConfig.ENDPOINT_PREFIX + "SAGEMAKER", s.endpoint().toString()));
        env.put("AWS_REGION", AwsClients.REGION);
        return env;
    }

    /**
     * Attaches a handler to every function of the catalog — the cpu functions, a forwarder per gpu endpoint and,
     * with async endpoints, the completion function; returns their names.
     */
    public List<String> attachFunctions(LocalCloud cloud, String catalogLocation) {
        List<String> attached = new ArrayList<>();
        for (Route route : cloud.catalog().routes()) {
            if (attached.contains(route.functionName())) {
                continue;
            }
            FunctionRuntime runtime = runtime(cloud, route.functionName(), catalogLocation);
            attach(cloud, route.functionName(), switch (route.target()) {
                case FUNCTION -> new DirectHandler(runtime);
                case QUEUE -> route.tier() == Tier.GPU ? new GpuForwardHandler(runtime) : new SqsBatchHandler(runtime);
                case STREAM -> new KinesisBatchHandler(runtime);
            });
            attached.add(route.functionName());
        }
        if (!Route.asyncModels(cloud.catalog()).isEmpty()) {
            String name = Route.ASYNC_COMPLETION_FUNCTION;
            attach(cloud, name, new AsyncCompletionHandler(runtime(cloud, name, catalogLocation)));
            attached.add(name);
        }
        return attached;
    }

    private FunctionRuntime runtime(LocalCloud cloud, String name, String catalogLocation) {
        FunctionRuntime runtime = new FunctionRuntime(FunctionConfig.from(environment(cloud, name, catalogLocation)), interceptors);
        runtimes.add(runtime);
        return runtime;
    }

    private void attach(LocalCloud cloud, String name, RequestHandler<?, ?> handler) {
        cloud.attach(name, handler);
        detachments.add(() -> cloud.detach(name));
    }

    public List<FunctionRuntime> runtimes() {
        return List.copyOf(runtimes);
    }

    /** Detaches the functions from their cloud first, so that no event reaches a closed runtime. */
    @Override
    public void close() {
        detachments.forEach(Runnable::run);
        runtimes.forEach(FunctionRuntime::close);
    }
}
