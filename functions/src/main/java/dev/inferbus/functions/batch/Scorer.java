package dev.inferbus.functions.batch;

import java.util.List;

/**
 * Turns the checked requests of one invocation into outcomes, one per request and in order: in process for the
 * cpu tier ({@link MicroBatcher}), by forwarding to an endpoint for the gpu tier.
 */
public interface Scorer {

    List<Outcome> score(List<ScoringRequest> requests);
}
