package dev.inferbus.local.cloud;

import dev.inferbus.events.catalog.CatalogLoader;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands tests a {@link CloudBackend}, started once per test JVM and stopped when the JVM's tests end. The class's
 * {@link Backend} annotation picks which: the embedded local cloud (always available) or LocalStack, whose tests
 * are skipped with the reason when no Docker engine answers.
 */
public final class LocalCloudExtension implements ParameterResolver, ExecutionCondition {

    public enum Kind { EMBEDDED, LOCALSTACK }

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    public @interface Backend {
        Kind value();
    }

    /** Skips a LocalStack class, with the reason shown in the report, where no Docker engine answers. */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (kindOf(context) != Kind.LOCALSTACK) {
            return ConditionEvaluationResult.enabled("the embedded cloud always runs");
        }
        return LocalStackBackend.dockerUnavailableReason()
                .map(reason -> ConditionEvaluationResult.disabled("LocalStack runs skipped: " + reason))
                .orElseGet(() -> ConditionEvaluationResult.enabled("a Docker engine answers"));
    }

    private static Kind kindOf(ExtensionContext context) {
        return context.getTestClass().map(c -> c.isAnnotationPresent(Backend.class) ? c.getAnnotation(Backend.class).value() : Kind.EMBEDDED)
                .orElse(Kind.EMBEDDED);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return CloudBackend.class.isAssignableFrom(parameter.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Kind kind = kindOf(context);
        ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.create(LocalCloudExtension.class));
        return store.getOrComputeIfAbsent(kind, k -> start(kind), Started.class).backend();
    }

    private static Started start(Kind kind) {
        try {
            return switch (kind) {
                case EMBEDDED -> new Started(new EmbeddedBackend(LocalCloud.start(LocalCloud.Settings.forTests(), System.err)));
                case LOCALSTACK -> new Started(LocalStackBackend.start(CatalogLoader.load(Path.of("../samples/catalog.yaml"))));
            };
        } catch (Exception e) {
            throw new IllegalStateException("the " + kind + " cloud did not start", e);
        }
    }

    /** The root store closes this when the test JVM's tests are done. */
    private record Started(CloudBackend backend) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            backend.close();
        }
    }
}
