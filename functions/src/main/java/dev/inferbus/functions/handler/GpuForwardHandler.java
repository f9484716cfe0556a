package dev.inferbus.functions.handler;

/**
 * Drains a gpu endpoint's queue: the batch handler over a runtime whose scorer forwards to the endpoint
 * ({@code INFERBUS_MODELS} names gpu models). Records the endpoint throttled or failed transiently come back as
 * batch item failures; the event source's maximum concurrency is the endpoint's backpressure.
 */
public final class GpuForwardHandler extends SqsBatchHandler {

    public GpuForwardHandler() {
        super(Init.RUNTIME);
    }

    public GpuForwardHandler(FunctionRuntime runtime) {
        super(runtime);
    }
}
