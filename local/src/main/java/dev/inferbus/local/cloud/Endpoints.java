package dev.inferbus.local.cloud;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where each service of the local cloud listens, in the order {@code ./inferbus up} prints them. */
public record Endpoints(Map<String, URI> byService) {

    public Endpoints {
        byService = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byService));
    }

    public URI of(String service) {
        URI uri = byService.get(service);
        if (uri == null) {
            throw new IllegalArgumentException("no " + service + " endpoint in this local cloud (has " + byService.keySet() + ")");
        }
        return uri;
    }
}
