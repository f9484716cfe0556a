package dev.inferbus.functions.gpu.generation;

import dev.inferbus.functions.generation.GenerationRequest;

/** What a generation container reads from a request: the generation, and whether to stream it. */
public record ContainerCall(GenerationRequest request, boolean stream) {
}
