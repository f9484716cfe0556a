package dev.inferbus.cdk;

import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

/** One synthesis of the sample catalog's stack, shared by a test class. */
final class Synthesized {

    final ModelCatalog catalog;
    final App app;
    final InferbusStack stack;
    final Template template;

    /**
     * The sample catalog's stack, synthesized once per test JVM and read by every class that asks: a synthesis
     * takes seconds, and the template is only read.
     */
    static Synthesized sample() {
        return Sample.STACK;
    }

    private static final class Sample {
        static final Synthesized STACK = synthesizeSample();

        private static Synthesized synthesizeSample() {
            try {
                return new Synthesized(Path.of("../samples/catalog.yaml"));
            } catch (Exception e) {
                throw new IllegalStateException("the sample catalog's stack does not synthesize", e);
            }
        }
    }

    /** The stack of another catalog, given to the app as its {@code catalog} context. */
    Synthesized(Path catalogFile) throws Exception {
        catalog = CatalogLoader.load(catalogFile);
        app = App.Builder.create().context(Map.of("catalog", catalogFile.toString())).build();
        stack = InferbusApp.build(app);
        template = Template.fromStack(stack);
    }

    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> resources(String type) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        Map<String, Object> all = (Map<String, Object>) template.toJSON().get("Resources");
        all.forEach((id, r) -> {
            Map<String, Object> resource = (Map<String, Object>) r;
            if (type.equals(resource.get("Type"))) {
                out.put(id, (Map<String, Object>) resource.get("Properties"));
            }
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    String typeOf(String logicalId) {
        Map<String, Object> all = (Map<String, Object>) template.toJSON().get("Resources");
        return (String) ((Map<String, Object>) all.get(logicalId)).get("Type");
    }

    static boolean zipBuilt() {
        return Files.exists(Path.of("../functions/target/inferbus-functions-lambda-x86_64.zip"));
    }
}
