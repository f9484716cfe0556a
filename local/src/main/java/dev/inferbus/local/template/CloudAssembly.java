package dev.inferbus.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A synthesized cloud assembly ({@code cdk.out}) holding one stack: its template and the file assets its template
 * points at by S3 object key (a Lambda function's {@code Code.S3Key}, a bucket deployment's
 * {@code SourceObjectKeys}). Assets are keyed by asset id.
 */
public record CloudAssembly(Path directory, String stackName, Template template, Map<String, FileAsset> assets) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public CloudAssembly {
        assets = Collections.unmodifiableMap(new LinkedHashMap<>(assets));
    }

    public static CloudAssembly read(Path assemblyDir) {
        // Absolute, so asset paths stay right for a caller that later changes what it resolves against.
        Path cdkOut = assemblyDir.toAbsolutePath().normalize();
        JsonNode artifacts = readJson(cdkOut.resolve("manifest.json")).path("artifacts");
        List<String> stacks = idsOfType(artifacts, "aws:cloudformation:stack");
        if (stacks.size() != 1) {
            throw new IllegalArgumentException(cdkOut + " holds " + stacks.size() + " stacks " + stacks + ", expected one");
        }
        String stackId = stacks.getFirst();
        JsonNode stack = artifacts.get(stackId);
        // The manifest names the stack only when the name differs from the artifact id (a stackName prop).
        String stackName = stack.path("properties").path("stackName").asText(stackId);
        Template template = Template.read(cdkOut.resolve(stack.path("properties").path("templateFile").asText()));
        Map<String, FileAsset> assets = new LinkedHashMap<>();
        for (String manifestId : assetManifestsOf(artifacts, stack)) {
            Path file = cdkOut.resolve(artifacts.get(manifestId).path("properties").path("file").asText());
            readJson(file).path("files").properties().forEach(entry -> assets.put(entry.getKey(),
                    fileAsset(cdkOut, entry.getKey(), entry.getValue())));
        }
        return new CloudAssembly(cdkOut, stackName, template, assets);
    }

    /** The local file or folder that was published under this S3 object key. */
    public Path assetForObjectKey(String objectKey) {
        return fileAsset(objectKey).orElseThrow(() -> new IllegalArgumentException(
                "no asset of " + directory + " is published under object key " + objectKey)).source();
    }

    public Optional<FileAsset> fileAsset(String objectKey) {
        return assets.values().stream().filter(a -> a.objectKey().equals(objectKey)).findFirst();
    }

    private static FileAsset fileAsset(Path cdkOut, String id, JsonNode entry) {
        JsonNode source = entry.path("source");
        // Every destination of one asset gets the same content-hash key; CDK writes one per account/region.
        Optional<String> objectKey = entry.path("destinations").valueStream()
                .map(d -> d.path("objectKey").asText(null)).filter(k -> k != null).findFirst();
        return new FileAsset(id, cdkOut.resolve(source.path("path").asText()).normalize(),
                FileAsset.Packaging.valueOf(source.path("packaging").asText("file").toUpperCase(Locale.ROOT)),
                objectKey.orElseThrow(() -> new IllegalArgumentException("asset " + id + " has no destination")));
    }

    private static List<String> assetManifestsOf(JsonNode artifacts, JsonNode stack) {
        // The stack depends on its own asset manifest; with one stack there is one, but ask the stack to be sure.
        List<String> manifests = new ArrayList<>();
        stack.path("dependencies").forEach(d -> {
            if (artifacts.path(d.asText()).path("type").asText().equals("cdk:asset-manifest")) {
                manifests.add(d.asText());
            }
        });
        return manifests.isEmpty() ? idsOfType(artifacts, "cdk:asset-manifest") : manifests;
    }

    private static List<String> idsOfType(JsonNode artifacts, String type) {
        List<String> ids = new ArrayList<>();
        artifacts.properties().forEach(a -> {
            if (a.getValue().path("type").asText().equals(type)) {
                ids.add(a.getKey());
            }
        });
        return ids;
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
