package dev.inferbus.local.iam.gateway.services;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The KMS key each S3 object was written under (SSE-KMS), shared by every S3 gateway of one cloud: an object written
 * through one gateway (SageMaker's) is read through another (the functions'), and the read needs kms:Decrypt on the
 * key the write named. The emulator behind them stores bytes only, so the gateways remember the keys.
 */
public final class EncryptedObjects {

    private static final int REMEMBERED = 100_000;

    private final Map<String, String> keyOfObject = new ConcurrentHashMap<>();

    void written(String objectArn, String keyArn) {
        if (keyOfObject.size() < REMEMBERED || keyOfObject.containsKey(objectArn)) {
            keyOfObject.put(objectArn, keyArn);
        }
    }

    Optional<String> key(String objectArn) {
        return Optional.ofNullable(keyOfObject.get(objectArn));
    }
}
