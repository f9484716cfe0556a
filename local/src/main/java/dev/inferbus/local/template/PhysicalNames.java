package dev.inferbus.local.template;

import java.util.Optional;

/**
 * What {@code Ref} and {@code Fn::GetAtt} return for a resource once it exists: the deployer decides (locally,
 * {@link LocalNames}). Empty means "not known for this resource or attribute", which {@link Intrinsics} reports
 * with the resource and property that asked.
 */
public interface PhysicalNames {

    Optional<String> ref(Resource resource);

    Optional<String> attribute(Resource resource, String attribute);
}
