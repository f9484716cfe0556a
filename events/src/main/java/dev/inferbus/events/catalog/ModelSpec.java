package dev.inferbus.events.catalog;

/**
 * One catalog entry.
 *
 * @param artifact where the cpu model's ONNX file lives: a path relative to the model root
 *                 (classpath or a folder locally) or an {@code s3://} URI; null for gpu models
 * @param endpoint the SageMaker endpoint of a gpu model; null for cpu models
 * @param shards Kinesis shards for a kinesis-triggered model, else 0
 */
public record ModelSpec(
        String id,
        String version,
        Task task,
        Tier tier,
        Trigger trigger,
        String artifact,
        BatchSpec batch,
        EndpointSpec endpoint,
        InputLimits limits,
        FunctionSpec function,
        int shards) {

    /** The model's artifact folder: the artifact path without its file name. */
    public String artifactFolder() {
        int slash = artifact == null ? -1 : artifact.lastIndexOf('/');
        return slash < 0 ? "" : artifact.substring(0, slash);
    }
}
