package dev.inferbus.events.catalog;

import dev.inferbus.events.routing.Route;
import java.util.List;
import java.util.Optional;

/** The parsed, validated catalog: the one definition that drives both the CDK rules and local routing. */
public record ModelCatalog(String bus, List<ModelSpec> models) {

    public ModelCatalog {
        models = List.copyOf(models);
    }

    public Optional<ModelSpec> find(String id) {
        return models.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    public List<String> ids() {
        return models.stream().map(ModelSpec::id).toList();
    }

    /** The models with the given ids, in catalog order; throws naming any id the catalog lacks. */
    public List<ModelSpec> select(List<String> ids) {
        List<String> unknown = ids.stream().filter(id -> find(id).isEmpty()).toList();
        if (!unknown.isEmpty()) {
            throw new CatalogException("not in the catalog: " + unknown + " (known: " + ids() + ")");
        }
        return models.stream().filter(m -> ids.contains(m.id())).toList();
    }

    public List<Route> routes() {
        return Route.of(this);
    }
}
