package dev.inferbus.local.iam.gateway.sigv4;

import dev.inferbus.local.iam.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An access key the gateway knows: the id a request names in its SigV4 {@code Credential=}, the secret it was signed
 * with, the session token temporary credentials come with (requests must then carry it as
 * {@code X-Amz-Security-Token}), and who signs with it.
 */
public record Credential(String accessKeyId, String secretAccessKey, Optional<String> sessionToken, Principal principal) {

    public Credential {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(sessionToken, "sessionToken");
        Objects.requireNonNull(principal, "principal");
    }

    /**
     * The variables every AWS SDK and the AWS CLI read credentials from, as Lambda sets them for a function's role
     * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
     */
    public Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("AWS_ACCESS_KEY_ID", accessKeyId);
        environment.put("AWS_SECRET_ACCESS_KEY", secretAccessKey);
        sessionToken.ifPresent(token -> environment.put("AWS_SESSION_TOKEN", token));
        return environment;
    }

    @Override
    public String toString() {
        // the secret and the token stay out of logs and assertion messages
        return "Credential[" + accessKeyId + " for " + principal.arn() + "]";
    }
}
