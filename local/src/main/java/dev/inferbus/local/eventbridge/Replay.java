package dev.inferbus.local.eventbridge;

import java.time.Instant;
import java.util.List;

/**
 * One replay: what StartReplay asked, and how far it got. Its state moves as EventBridge's does (valid values
 * {@code STARTING | RUNNING | CANCELLING | COMPLETED | CANCELLED | FAILED},
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Replay.html): STARTING when accepted, RUNNING once
 * its events are being sent, then COMPLETED; CancelReplay turns a STARTING or RUNNING replay CANCELLING, and it is
 * CANCELLED before its next event.
 */
final class Replay {

    enum State { STARTING, RUNNING, CANCELLING, COMPLETED, CANCELLED, FAILED }

    /**
     * What StartReplay asked for.
     *
     * @param filterArns the rules it replays to; null for every rule of the bus
     */
    record Request(String name, String arn, String description, Archive archive, Instant eventStartTime,
                   Instant eventEndTime, String destinationArn, List<String> filterArns) {
    }

    /** A consistent view of a replay, for an answer. */
    record Snapshot(Request request, State state, String stateReason, Instant replayStartTime, Instant replayEndTime,
                    Instant eventLastReplayedTime) {
    }

    private final Request request;
    private final Instant replayStartTime;
    private State state = State.STARTING;
    private String stateReason;
    private Instant replayEndTime;
    private Instant eventLastReplayedTime;

    Replay(Request request, Instant replayStartTime) {
        this.request = request;
        this.replayStartTime = replayStartTime;
    }

    Request request() {
        return request;
    }

    synchronized Snapshot snapshot() {
        return new Snapshot(request, state, stateReason, replayStartTime, replayEndTime, eventLastReplayedTime);
    }

    synchronized boolean active() {
        return state == State.STARTING || state == State.RUNNING || state == State.CANCELLING;
    }

    /** STARTING → RUNNING; false when it was cancelled before it ran. */
    synchronized boolean run() {
        if (state != State.STARTING) {
            return false;
        }
        state = State.RUNNING;
        return true;
    }

    /** Whether it is still to go on: not cancelled meanwhile. */
    synchronized boolean going() {
        return state == State.RUNNING;
    }

    /**
     * Records that an event was sent: "The value returned for EventLastReplayedTime indicates the time within the
     * specified time range associated with the last event replayed"
     * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeReplay.html) — the event's own time.
     */
    synchronized void replayed(Instant eventTime) {
        eventLastReplayedTime = eventTime;
    }

    /**
     * CancelReplay: "a replay can be canceled only when the state is Running or Starting"
     * (IllegalStatusException, https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CancelReplay.html).
     */
    synchronized void cancel() throws EventBridgeError {
        if (state != State.STARTING && state != State.RUNNING) {
            throw new EventBridgeError(400, "IllegalStatusException", "Replay " + request.name() + " is " + state
                    + ": a replay can be canceled only when the state is Running or Starting.");
        }
        state = State.CANCELLING;
    }

    /** Ends it: COMPLETED, or CANCELLED when a cancel came meanwhile, or FAILED with the reason. */
    synchronized void end(String failure, Instant now) {
        if (failure != null) {
            state = State.FAILED;
            stateReason = failure.length() > 512 ? failure.substring(0, 512) : failure;
        } else {
            state = state == State.CANCELLING ? State.CANCELLED : State.COMPLETED;
        }
        replayEndTime = now;
    }
}
