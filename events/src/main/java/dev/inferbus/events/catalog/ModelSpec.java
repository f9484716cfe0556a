package dev.inferbus.events.catalog;

import java.util.List;
import java.util.Optional;

/**
 * One catalog entry. {@code version}, {@code artifact} and {@code endpoint} are those of the version this spec
 * stands for: the live one for the catalog's own entry, another one for {@link #forVersion}.
 *
 * @param artifact where the cpu model's ONNX file lives: a path relative to the model root
 *                 (classpath or a folder locally) or an {@code s3://} URI; null for gpu models
 * @param endpoint the SageMaker endpoint of a gpu model; null for cpu models
 * @param shards Kinesis shards for a kinesis-triggered model, else 0
 * @param versions every deployed version, in catalog order
 * @param rollout how requests that name no version are split over them
 * @param cache the model's result cache, the same for every version (its key holds the version); null when its
 *              results are not cached
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
        int shards,
        List<ModelVersion> versions,
        Rollout rollout,
        CacheSpec cache) {

    public ModelSpec {
        versions = List.copyOf(versions);
    }

    /** A model without a result cache. */
    public ModelSpec(String id, String version, Task task, Tier tier, Trigger trigger, String artifact, BatchSpec batch,
                     EndpointSpec endpoint, InputLimits limits, FunctionSpec function, int shards,
                     List<ModelVersion> versions, Rollout rollout) {
        this(id, version, task, tier, trigger, artifact, batch, endpoint, limits, function, shards, versions, rollout, null);
    }

    /** A model with one version, all traffic to it. */
    public ModelSpec(String id, String version, Task task, Tier tier, Trigger trigger, String artifact, BatchSpec batch,
                     EndpointSpec endpoint, InputLimits limits, FunctionSpec function, int shards) {
        this(id, version, task, tier, trigger, artifact, batch, endpoint, limits, function, shards,
                List.of(new ModelVersion(version, artifact, endpoint)), Rollout.single(version));
    }

    /** The same model as served by {@code version}; empty when the catalog does not list it. */
    public Optional<ModelSpec> forVersion(String version) {
        return versions.stream().filter(v -> v.version().equals(version)).findFirst()
                .map(v -> new ModelSpec(id, v.version(), task, tier, trigger, v.artifact(), batch, v.endpoint(), limits,
                        function, shards, versions, rollout, cache));
    }

    /** Every listed version as a spec of its own. */
    public List<ModelSpec> allVersions() {
        return versions.stream().map(v -> forVersion(v.version()).orElseThrow()).toList();
    }

    /** The version names, in catalog order. */
    public List<String> versionNames() {
        return versions.stream().map(ModelVersion::version).toList();
    }

    /** The model's artifact folder: the artifact path without its file name. */
    public String artifactFolder() {
        int slash = artifact == null ? -1 : artifact.lastIndexOf('/');
        return slash < 0 ? "" : artifact.substring(0, slash);
    }
}
