package dev.inferbus.events.catalog;

/** Lambda sizing for the function that serves a model; a route's function takes the largest of its models. */
public record FunctionSpec(int memoryMb, int timeoutSeconds) {

    static FunctionSpec defaultsFor(Tier tier) {
        return tier == Tier.CPU ? new FunctionSpec(2048, 60) : new FunctionSpec(512, 60);
    }
}
