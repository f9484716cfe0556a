package dev.inferbus.events.catalog;

/**
 * A SageMaker endpoint serving a gpu-tier model.
 *
 * @param maxConcurrency most calls in flight to the endpoint, and the SQS event source's maximum concurrency
 * @param maxRequestBatch most records in one endpoint call
 * @param instanceType the instance type the CDK app provisions
 * @param existing true when the endpoint is managed elsewhere and only referenced by name
 * @param container what the CDK app deploys on the endpoint (unused for an existing endpoint)
 * @param localArtifact the ONNX text model, or a text generator's {@code .json}, (under the model root) that the
 *                      local endpoint serves in place of the container; null when the endpoint has no local stand-in
 * @param truncate hf-tei: ask text-embeddings-inference to cut a text over the model's token limit instead of
 *                 refusing it (TEI's own default is to refuse, which fails every text of the call); formats
 *                 without such a switch ignore it
 */
public record EndpointSpec(String name, Mode mode, Format format, int maxConcurrency, int maxRequestBatch,
                           String instanceType, boolean existing, Container container, String localArtifact,
                           boolean truncate) {

    /** An endpoint with the catalog's defaults for everything but its name, mode and format. */
    public static Builder builder(String name, Mode mode, Format format) {
        return new Builder(name, mode, format);
    }

    /**
     * The SageMaker model behind the endpoint.
     *
     * @param image the container image URI; null for hf-tei, hf-tgi and openai-chat, which default to the Hugging
     *              Face TEI / TGI or the DJL LMI image of the stack's region
     * @param modelData an {@code s3://} URI of a model.tar.gz, or null when the container fetches its own model
     * @param environment the container's environment (e.g. {@code HF_MODEL_ID} for TEI)
     */
    public record Container(String image, String modelData, java.util.Map<String, String> environment) {
        public Container {
            environment = environment == null ? java.util.Map.of() : java.util.Map.copyOf(environment);
        }

        public static final Container NONE = new Container(null, null, null);
    }

    /**
     * Endpoint calls one forwarder invocation keeps in flight. Lambda's SQS event source runs at least two
     * invocations at once, so the endpoint's budget is split: {@code callsPerInvocation() *
     * eventSourceConcurrency() <= maxConcurrency} always holds.
     */
    public int callsPerInvocation() {
        return Math.max(1, maxConcurrency / 2);
    }

    /**
     * How many waves of calls one batch of {@code batchSize} records takes in one invocation: real-time calls carry
     * {@code maxRequestBatch} texts, {@link #callsPerInvocation()} at a time; asynchronous invocations return once
     * queued, one wave whatever the batch.
     */
    public int rounds(int batchSize) {
        if (mode == Mode.ASYNC) {
            return 1;
        }
        int calls = (batchSize + maxRequestBatch - 1) / maxRequestBatch;
        return (calls + callsPerInvocation() - 1) / callsPerInvocation();
    }

    /** The forwarder's SQS event source maximum concurrency (Lambda accepts 2..1000). */
    public int eventSourceConcurrency() {
        return Math.max(2, maxConcurrency / callsPerInvocation());
    }

    public static final class Builder {
        private final String name;
        private final Mode mode;
        private final Format format;
        private int maxConcurrency = 2;
        private int maxRequestBatch;
        private String instanceType = "ml.g5.xlarge";
        private boolean existing;
        private Container container = Container.NONE;
        private String localArtifact;
        private boolean truncate = true;

        private Builder(String name, Mode mode, Format format) {
            this.name = name;
            this.mode = mode;
            this.format = format;
            // one request per asynchronous invocation, and per generation (a stream answers one): CatalogLoader says why
            this.maxRequestBatch = mode == Mode.ASYNC || format.generates() ? 1 : 16;
        }

        public Builder maxConcurrency(int maxConcurrency) {
            this.maxConcurrency = maxConcurrency;
            return this;
        }

        public Builder maxRequestBatch(int maxRequestBatch) {
            this.maxRequestBatch = maxRequestBatch;
            return this;
        }

        public Builder instanceType(String instanceType) {
            this.instanceType = instanceType;
            return this;
        }

        public Builder existing(boolean existing) {
            this.existing = existing;
            return this;
        }

        public Builder container(Container container) {
            this.container = container;
            return this;
        }

        public Builder localArtifact(String localArtifact) {
            this.localArtifact = localArtifact;
            return this;
        }

        public Builder truncate(boolean truncate) {
            this.truncate = truncate;
            return this;
        }

        public EndpointSpec build() {
            return new EndpointSpec(name, mode, format, maxConcurrency, maxRequestBatch, instanceType, existing, container,
                    localArtifact, truncate);
        }
    }

    public enum Mode {
        REALTIME, ASYNC;

        public String wireName() {
            return name().toLowerCase();
        }
    }

    /** Wire format of the endpoint's container. */
    public enum Format {
        INFERBUS_JSON("inferbus-json"), HF_TEI("hf-tei"), KSERVE_V2("kserve-v2"),
        /** Hugging Face text-generation-inference: {@code {"inputs","parameters"}} → {@code [{"generated_text","details"}]}. */
        HF_TGI("hf-tgi"),
        /** The OpenAI chat-completions body that the LMI (DJL) and vLLM containers take on {@code /invocations}. */
        OPENAI_CHAT("openai-chat");

        private final String wireName;

        Format(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** Whether the format carries text generations (else embeddings). */
        public boolean generates() {
            return this == HF_TGI || this == OPENAI_CHAT;
        }
    }
}
