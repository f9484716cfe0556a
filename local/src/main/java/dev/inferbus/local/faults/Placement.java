package dev.inferbus.local.faults;

/** Where in the exchange a {@link FaultRule} answers its error. */
public enum Placement {

    /**
     * The request never reaches the service: the error is answered at once. The service did nothing, as when AWS
     * throttles or rejects a call at its front door.
     */
    BEFORE,

    /**
     * The request is forwarded and the service does its work; its answer is then thrown away and the error is
     * answered instead. The caller believes the call failed although it took effect ("the answer was lost"), which
     * is what makes retries and idempotency matter.
     */
    AFTER
}
