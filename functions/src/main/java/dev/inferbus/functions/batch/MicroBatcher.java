package dev.inferbus.functions.batch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.functions.runtime.InvalidInputException;
import dev.inferbus.functions.runtime.ModelLookup;
import dev.inferbus.functions.runtime.TaskModel;
import dev.inferbus.functions.tracing.InvocationTrace;
import io.opentelemetry.api.trace.Span;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scores the requests of one invocation: groups them by model, checks and prepares each input, orders each
 * group by cost (token count) so that a tensor batch pads little, and runs tensor batches of the model's
 * {@code maxTensorBatch}. Returns one outcome per request, in input order. A bad input fails alone; a tensor
 * call that throws is retried record by record, so one poison input cannot fail its neighbours.
 */
public final class MicroBatcher implements Scorer {

    private final ModelLookup runtime;
    private final Options options;

    /**
     * @param sortByCost order each model's inputs by cost before forming tensor batches (pad-aware)
     * @param maxTensorBatch overrides every model's {@code batch.maxTensorBatch} when positive
     */
    public record Options(boolean sortByCost, int maxTensorBatch) {
        public static final Options DEFAULT = new Options(true, 0);
    }

    public MicroBatcher(ModelLookup runtime) {
        this(runtime, Options.DEFAULT);
    }

    public MicroBatcher(ModelLookup runtime, Options options) {
        this.runtime = runtime;
        this.options = options;
    }

    @Override
    public List<Outcome> score(List<ScoringRequest> requests) {
        Outcome[] outcomes = new Outcome[requests.size()];
        // a version is a model of its own: its inputs share tensor calls only with each other
        Map<ModelSpec, List<Integer>> byModel = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            byModel.computeIfAbsent(requests.get(i).model(), k -> new ArrayList<>()).add(i);
        }
        byModel.forEach((spec, indices) -> {
            Optional<TaskModel<?>> model = runtime.model(spec);
            if (model.isEmpty()) {
                for (int i : indices) {
                    outcomes[i] = new Outcome.Failed(ErrorCode.UNKNOWN_MODEL, pointerOfModel(requests.get(i))
                            + ": model '" + spec.id() + "' version '" + spec.version() + "' is not served by this function (it serves "
                            + runtime.models().stream().map(m -> m.spec().id() + "@" + m.spec().version()).toList() + ")");
                }
                return;
            }
            scoreGroup(model.get(), requests, indices, outcomes);
        });
        return List.of(outcomes);
    }

    private <P> void scoreGroup(TaskModel<P> model, List<ScoringRequest> requests, List<Integer> indices, Outcome[] outcomes) {
        List<Prepared<P>> prepared = new ArrayList<>(indices.size());
        for (int i : indices) {
            ScoringRequest request = requests.get(i);
            try {
                P input = model.prepare(request.input(), request.inputPointer());
                prepared.add(new Prepared<>(i, input, model.cost(input)));
            } catch (InvalidInputException e) {
                outcomes[i] = new Outcome.Failed(e.code(), e.getMessage());
            } catch (RuntimeException e) {
                outcomes[i] = new Outcome.Failed(ErrorCode.INVALID_INPUT,
                        request.inputPointer() + ": cannot be prepared for the model (" + e.getClass().getSimpleName() + ")");
            }
        }
        if (options.sortByCost()) {
            prepared.sort(Comparator.comparingInt(Prepared::cost));
        }
        ModelSpec spec = model.spec();
        int size = options.maxTensorBatch() > 0 ? options.maxTensorBatch() : spec.batch().maxTensorBatch();
        for (int from = 0; from < prepared.size(); from += size) {
            List<Prepared<P>> batch = prepared.subList(from, Math.min(from + size, prepared.size()));
            Span span = InvocationTrace.current().batch("inference " + spec.id() + " v" + spec.version(),
                    batch.stream().map(p -> requests.get(p.index())).map(ScoringRequest::requestId).toList());
            try {
                runTensorBatch(model, batch, outcomes);
            } finally {
                span.end();
            }
        }
    }

    private <P> void runTensorBatch(TaskModel<P> model, List<Prepared<P>> batch, Outcome[] outcomes) {
        long start = System.nanoTime();
        List<JsonNode> outputs;
        try {
            outputs = model.predict(batch.stream().map(Prepared::input).toList());
        } catch (Exception e) {
            if (batch.size() > 1) {
                for (Prepared<P> one : batch) {
                    runTensorBatch(model, List.of(one), outcomes);
                }
            } else {
                outcomes[batch.get(0).index()] = new Outcome.Failed(ErrorCode.MODEL_ERROR,
                        "model '" + model.spec().id() + "' failed on this input: " + firstLine(e));
            }
            return;
        }
        double millis = (System.nanoTime() - start) / 1e6;
        for (int k = 0; k < batch.size(); k++) {
            outcomes[batch.get(k).index()] = new Outcome.Scored(outputs.get(k), millis);
        }
    }

    private static String pointerOfModel(ScoringRequest request) {
        String input = request.inputPointer();
        return input.substring(0, input.lastIndexOf('/') + 1) + "model";
    }

    private static String firstLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    private record Prepared<P>(int index, P input, int cost) {
    }
}
