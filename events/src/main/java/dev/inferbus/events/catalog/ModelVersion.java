package dev.inferbus.events.catalog;

/**
 * One deployable version of a model.
 *
 * @param artifact the cpu version's ONNX file (see {@link ModelSpec#artifact()}); null on the gpu tier
 * @param endpoint the gpu version's SageMaker endpoint; null on the cpu tier
 */
public record ModelVersion(String version, String artifact, EndpointSpec endpoint) {
}
