package dev.inferbus.local.lambda;

import com.amazonaws.services.lambda.runtime.Context;

/** The name and limits of a local function, as its invocations see them in their {@link Context}. */
public record FunctionSpec(String name, int timeoutSeconds, int memoryMb) {

    public Context newContext() {
        return new LocalContext(name, timeoutSeconds, memoryMb);
    }
}
