package dev.inferbus.events.catalog;

/**
 * A SageMaker endpoint serving a gpu-tier model.
 *
 * @param maxConcurrency most calls in flight to the endpoint, and the SQS event source's maximum concurrency
 * @param maxRequestBatch most records in one endpoint call
 * @param instanceType the instance type the CDK app provisions
 * @param existing true when the endpoint is managed elsewhere and only referenced by name
 */
public record EndpointSpec(String name, Mode mode, Format format, int maxConcurrency, int maxRequestBatch,
                           String instanceType, boolean existing) {

    /**
     * Endpoint calls one forwarder invocation keeps in flight. Lambda's SQS event source runs at least two
     * invocations at once, so the endpoint's budget is split: {@code callsPerInvocation() *
     * eventSourceConcurrency() <= maxConcurrency} always holds.
     */
    public int callsPerInvocation() {
        return Math.max(1, maxConcurrency / 2);
    }

    /** The forwarder's SQS event source maximum concurrency (Lambda accepts 2..1000). */
    public int eventSourceConcurrency() {
        return Math.max(2, maxConcurrency / callsPerInvocation());
    }

    public enum Mode {
        REALTIME, ASYNC;

        public String wireName() {
            return name().toLowerCase();
        }
    }

    /** Wire format of the endpoint's container. */
    public enum Format {
        INFERBUS_JSON("inferbus-json"), HF_TEI("hf-tei"), KSERVE_V2("kserve-v2");

        private final String wireName;

        Format(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }
}
