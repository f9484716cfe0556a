package dev.inferbus.local.iam.gateway.services;

/**
 * A request the gateway cannot tell the action or resource of, refused before it is authorized with the error the
 * service itself would give (an unknown Kinesis shard iterator is {@code ExpiredIteratorException}).
 */
public final class CallRefused extends Exception {

    private final AwsError error;

    public CallRefused(AwsError error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    public AwsError error() {
        return error;
    }
}
