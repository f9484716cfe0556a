package dev.inferbus.local.template;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A file asset of the cloud assembly: what {@code cdk deploy} would upload to the bootstrap bucket under
 * {@code objectKey}. With {@link Packaging#ZIP} the source is a <em>directory</em> that the CLI zips on upload, so
 * its contents are what the object would hold once unzipped (a bucket deployment unzips it again); with
 * {@link Packaging#FILE} the source is uploaded as it is (the functions zip, the AWS CLI layer).
 */
public record FileAsset(String id, Path source, Packaging packaging, String objectKey) {

    public enum Packaging { FILE, ZIP }

    public FileAsset {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(packaging, "packaging");
        Objects.requireNonNull(objectKey, "objectKey");
    }
}
