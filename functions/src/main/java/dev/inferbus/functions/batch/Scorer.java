package dev.inferbus.functions.batch;

import dev.inferbus.functions.budget.Deadline;
import java.util.List;

/**
 * Turns the checked requests of one invocation into outcomes, one per request and in order: in process for the
 * cpu tier ({@link MicroBatcher}), by forwarding to an endpoint for the gpu tier.
 */
public interface Scorer {

    List<Outcome> score(List<ScoringRequest> requests);

    /**
     * Scores within a deadline: a scorer whose calls can take long (an endpoint's) starts none that the deadline
     * cannot wait for, and answers {@link Outcome.Retry} for their requests instead.
     */
    default List<Outcome> score(List<ScoringRequest> requests, Deadline deadline) {
        return score(requests);
    }
}
