package dev.inferbus.local.iam.gateway.sigv4;

import dev.inferbus.local.iam.Principal;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The access keys of one local cloud: who signs with which key. Every key is random and issued here; the gateway
 * looks the signer of each request up by the key id its SigV4 credential names.
 *
 * <p>Key ids have AWS's shape: 20 characters, {@code AKIA} for long-term keys (the administrator's, a service's),
 * {@code ASIA} for temporary ones (a role session's, which also gets a session token as STS's AssumeRole gives one),
 * then 16 upper-case letters and digits
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids). Secrets are
 * 40 characters of letters, digits, {@code /} and {@code +}, as AWS's are.
 */
public final class CredentialsRegistry {

    private static final String KEY_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+";

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Credential> byKeyId = new ConcurrentHashMap<>();
    private final Credential admin;

    /** A registry whose administrator (the account's root: the producer side, the deployment) is {@code account}'s. */
    public CredentialsRegistry(String account) {
        this.admin = issue(Principal.admin(account));
    }

    /** A fresh key for {@code principal}; earlier keys of the same principal stay valid. */
    public Credential issue(Principal principal) {
        boolean temporary = principal.kind() == Principal.Kind.ROLE;
        Optional<String> token = temporary ? Optional.of(sessionToken()) : Optional.empty();
        while (true) {
            Credential credential = new Credential((temporary ? "ASIA" : "AKIA") + draw(KEY_ID_ALPHABET, 16),
                    draw(SECRET_ALPHABET, 40), token, principal);
            if (byKeyId.putIfAbsent(credential.accessKeyId(), credential) == null) {
                return credential;
            }
        }
    }

    /** The administrator's key, issued when the registry was made. */
    public Credential admin() {
        return admin;
    }

    /** The credential a request's key id names, if this registry issued it. */
    public Optional<Credential> find(String accessKeyId) {
        return Optional.ofNullable(byKeyId.get(accessKeyId));
    }

    private String draw(String alphabet, int length) {
        StringBuilder drawn = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            drawn.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return drawn.toString();
    }

    /** An opaque token, about as long as the ones STS hands out. */
    private String sessionToken() {
        byte[] bytes = new byte[192];
        random.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
