package dev.inferbus.local.iam.gateway;

import dev.inferbus.local.iam.Authorizer;
import dev.inferbus.local.iam.gateway.services.Arns;
import dev.inferbus.local.iam.gateway.services.EncryptedObjects;
import dev.inferbus.local.iam.gateway.sigv4.CredentialsRegistry;
import dev.inferbus.local.iam.gateway.tls.GatewayTls;
import dev.inferbus.local.metering.CapacityLog;
import java.time.Clock;
import java.util.Objects;

/**
 * What all the gateways of one local cloud share: the TLS identity, the issued keys, the authorizer, the access log,
 * the account and region the ARNs are in, whether signatures are required, the clock that decides what is
 * skewed, and the log of the DynamoDB request units each principal consumed.
 */
public record GatewaySettings(GatewayTls tls, CredentialsRegistry credentials, Authorizer authorizer, AccessLog accessLog,
                              Arns arns, Mode mode, Clock clock, EncryptedObjects encryptedObjects, CapacityLog capacityLog) {

    public enum Mode {
        /** Every request must be signed with an issued key, and is authorized as its signer. */
        ENFORCE,
        /**
         * {@code --no-auth}: a request without a signature, or signed with a key nobody issued, is the administrator's
         * (a signature by an issued key is still checked, and its signer still authorized).
         */
        NO_AUTH
    }

    public GatewaySettings {
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(authorizer, "authorizer");
        Objects.requireNonNull(accessLog, "accessLog");
        Objects.requireNonNull(arns, "arns");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(encryptedObjects, "encryptedObjects");
        Objects.requireNonNull(capacityLog, "capacityLog");
    }

    /** Settings whose S3 gateways share a fresh memory of encrypted objects, and a fresh capacity log. */
    public GatewaySettings(GatewayTls tls, CredentialsRegistry credentials, Authorizer authorizer, AccessLog accessLog,
                           Arns arns, Mode mode, Clock clock) {
        this(tls, credentials, authorizer, accessLog, arns, mode, clock, new EncryptedObjects(), new CapacityLog());
    }

    /** Settings with a fresh access log and the system clock. */
    public static GatewaySettings of(GatewayTls tls, CredentialsRegistry credentials, Authorizer authorizer, Arns arns,
                                     Mode mode) {
        return new GatewaySettings(tls, credentials, authorizer, new AccessLog(), arns, mode, Clock.systemUTC());
    }
}
