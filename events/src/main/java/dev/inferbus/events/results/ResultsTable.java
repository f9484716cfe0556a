package dev.inferbus.events.results;

/**
 * The results table's schema: its key, its TTL attribute and the names of the attributes a row holds. The CDK
 * table, the functions' writes and every reader (demo, soak, benchmarks, tests) take them from here.
 */
public final class ResultsTable {

    /** The partition key: the requestId (or {@code invalid:<event id>} for an event without a usable one). */
    public static final String KEY = "requestId";
    /** Epoch seconds after which DynamoDB's TTL may delete the row. */
    public static final String TTL = "expiresAt";

    static final String STATUS = "status";
    static final String REPLAY_NAME = "replayName";
    static final String MODEL = "model";
    static final String VERSION = "version";
    static final String TIER = "tier";
    static final String FINGERPRINT = "requestFingerprint";
    static final String OUTPUT = "output";
    static final String OUTPUT_REF = "outputRef";
    static final String ERROR_CODE = "errorCode";
    static final String ERROR_MESSAGE = "errorMessage";
    static final String EVENT_ID = "eventId";
    static final String CREATED_AT = "createdAt";
    static final String COMPLETED_AT = "completedAt";
    static final String INFERENCE_MS = "inferenceMs";
    static final String END_TO_END_MS = "endToEndMs";
    static final String DETAIL_TYPE = "detailType";
    static final String EVENT = "event";
    static final String PUBLISHED = "published";
    static final String LEASE_UNTIL = "publishLeaseUntil";
    static final String LEASE_OWNER = "publishLeaseOwner";
    static final String ENDPOINT = "endpoint";
    static final String REQUEST = "request";
    static final String INFERENCE_ID = "inferenceId";
    static final String OUTPUT_LOCATION = "outputLocation";
    static final String SHADOW_VERSION = "shadowVersion";
    static final String SHADOW_OUTPUT = "shadowOutput";
    static final String SHADOW_MEASURE = "shadowMeasure";
    static final String SHADOW_DISAGREES = "shadowDisagrees";
    static final String SHADOW_ERROR_CODE = "shadowErrorCode";
    static final String SHADOW_ERROR_MESSAGE = "shadowErrorMessage";
    /** Present (true) on a row whose output came from the model's result cache. */
    static final String CACHED = "cached";

    /**
     * The key of a replay's re-scoring of {@code requestId} with {@code version}: a requestId never holds {@code #}
     * (the contract's pattern), so it never meets a producer's key, and a second replay with the same version finds
     * the first one's row, as any redelivery does.
     */
    public static String replayKey(String requestId, String version) {
        return requestId + "#" + version;
    }

    /** The requestId of a row key: the key itself, or what precedes a replay key's {@code #}. */
    public static String requestIdOf(String key) {
        int hash = key.indexOf('#');
        return hash < 0 ? key : key.substring(0, hash);
    }

    private ResultsTable() {
    }
}
