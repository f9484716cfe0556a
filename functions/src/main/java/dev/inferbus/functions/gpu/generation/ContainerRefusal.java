package dev.inferbus.functions.gpu.generation;

/** A container's refusal of a request: its HTTP status and body, in the container's own shape. */
public record ContainerRefusal(int status, String body) {
}
