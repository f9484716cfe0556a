package dev.inferbus.local.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.contract.DetailType;
import dev.inferbus.local.cloud.LocalCloud;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a consumer on the bus sees of streamed generations: each request's {@code InferenceProgress} events and its
 * {@code InferenceCompleted}, in the order the bus delivered them, checked as a consumer would rebuild the text.
 */
final class ProgressWatch {

    private final Map<String, List<JsonNode>> byRequest = new ConcurrentHashMap<>();

    /** Watches the bus from now on, with a rule of its own as any consumer would add. */
    static ProgressWatch on(LocalCloud cloud) {
        ProgressWatch watch = new ProgressWatch();
        cloud.observe("demo-generation-progress", "{\"source\":[\"inferbus\"],\"detail-type\":[\"" + DetailType.PROGRESS
                + "\",\"" + DetailType.COMPLETED + "\"]}", (event, json) -> watch.seen(event));
        return watch;
    }

    private void seen(JsonNode event) {
        String requestId = event.path("detail").path("requestId").asText();
        List<JsonNode> events = byRequest.computeIfAbsent(requestId, k -> new ArrayList<>());
        synchronized (events) {
            events.add(event);
        }
    }

    /**
     * Prints one line per streamed request; returns whether every stream reads right: at least one progress event,
     * sequences 0, 1, 2, … in order, each text a prefix of the next and of the completed one, and the completion last.
     */
    boolean print(PrintStream out, List<String> streamed) {
        boolean ok = true;
        for (String requestId : streamed) {
            List<JsonNode> seen = byRequest.getOrDefault(requestId, List.of());
            List<JsonNode> events;
            synchronized (seen) {
                events = List.copyOf(seen);
            }
            List<JsonNode> progress = events.stream().filter(e -> DetailType.PROGRESS.equals(e.path("detail-type").asText()))
                    .map(e -> e.path("detail")).toList();
            if (progress.isEmpty()) {
                out.printf("%s: no InferenceProgress event reached the bus%n", requestId);
                ok = false;
                continue;
            }
            JsonNode last = events.get(events.size() - 1);
            boolean completedLast = DetailType.COMPLETED.equals(last.path("detail-type").asText());
            String finalText = completedLast ? last.path("detail").path("output").path("text").asText("") : "";
            boolean reads = completedLast;
            String previous = "";
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < progress.size(); i++) {
                String text = progress.get(i).path("text").asText();
                reads &= progress.get(i).path("sequence").asLong() == i && text.startsWith(previous) && finalText.startsWith(text);
                previous = text;
                tokens.add(progress.get(i).path("tokensSoFar").asText());
            }
            out.printf("%s: %d InferenceProgress events (tokens so far %s), then InferenceCompleted with %d tokens: %s%n",
                    requestId, progress.size(), String.join(", ", tokens),
                    last.path("detail").path("output").path("usage").path("completionTokens").asInt(),
                    reads ? "in order, each text a prefix of the next and of the final one" : "OUT OF ORDER OR NOT A PREFIX");
            ok &= reads;
        }
        return ok;
    }
}
