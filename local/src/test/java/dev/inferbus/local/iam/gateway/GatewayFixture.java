package dev.inferbus.local.iam.gateway;

import dev.inferbus.local.iam.AccessRequest;
import dev.inferbus.local.iam.Authorizer;
import dev.inferbus.local.iam.Decision;
import dev.inferbus.local.iam.Principal;
import dev.inferbus.local.iam.gateway.services.Arns;
import dev.inferbus.local.iam.gateway.services.AwsService;
import dev.inferbus.local.iam.gateway.sigv4.Credential;
import dev.inferbus.local.iam.gateway.sigv4.CredentialsRegistry;
import dev.inferbus.local.iam.gateway.tls.GatewayTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * What the gateway tests share: one TLS identity, one key registry, gateways whose authorizer is a small lambda
 * (the administrator may do anything; a role what {@link #allow} granted, by exact action and resource, as an
 * identity policy would), and SDK clients pointed at a gateway that trust its certificate and do not retry.
 */
final class GatewayFixture implements AutoCloseable {

    static final String ACCOUNT = "000000000000";
    static final Arns ARNS = new Arns("us-east-1", ACCOUNT);

    final Path trustDirectory;
    final GatewayTls tls;
    final CredentialsRegistry credentials = new CredentialsRegistry(ACCOUNT);
    final Principal role = Principal.roleSession(ACCOUNT, "fn-role", "fn-session");
    final Credential roleKey = credentials.issue(role);
    private final List<Predicate<AccessRequest>> grants = new ArrayList<>();
    private final List<AuthGateway> gateways = new ArrayList<>();

    GatewayFixture() {
        try {
            trustDirectory = Files.createTempDirectory("gateway-trust");
            tls = GatewayTls.create(trustDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lambda authorizer: an implicit deny unless the administrator asks, or a grant matches. */
    final Authorizer authorizer = request -> {
        if (request.principal().kind() == Principal.Kind.ADMIN) {
            return new Decision(Decision.Outcome.ALLOWED, "");
        }
        synchronized (grants) {
            if (grants.stream().anyMatch(grant -> grant.test(request))) {
                return new Decision(Decision.Outcome.ALLOWED, "");
            }
        }
        return new Decision(Decision.Outcome.IMPLICIT_DENY,
                "because no identity-based policy allows the " + request.action() + " action");
    };

    /** Lets the role do {@code action} on {@code resource}. */
    void allow(String action, String resource) {
        synchronized (grants) {
            grants.add(request -> request.action().equals(action) && request.resource().equals(resource));
        }
    }

    void allow(Predicate<AccessRequest> grant) {
        synchronized (grants) {
            grants.add(grant);
        }
    }

    GatewaySettings settings(GatewaySettings.Mode mode, Clock clock) {
        return new GatewaySettings(tls, credentials, authorizer, new AccessLog(), ARNS, mode, clock);
    }

    AuthGateway gateway(AwsService service, URI upstream) {
        return gateway(service, upstream, settings(GatewaySettings.Mode.ENFORCE, Clock.systemUTC()));
    }

    AuthGateway gateway(AwsService service, URI upstream, GatewaySettings settings) {
        try {
            AuthGateway gateway = AuthGateway.start(service, 0, upstream, settings);
            gateways.add(gateway);
            return gateway;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client of {@code gateway} signing with {@code credentials}, trusting the gateway, without retries. */
    <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B client(B builder, AuthGateway gateway,
                                                                          AwsCredentialsProvider credentials) {
        return builder.endpointOverride(gateway.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder().tlsTrustManagersProvider(gateway.trust()::trustManagers))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    }

    static AwsCredentialsProvider signedBy(Credential credential) {
        AwsCredentials credentials = credential.sessionToken()
                .<AwsCredentials>map(token -> AwsSessionCredentials.create(credential.accessKeyId(),
                        credential.secretAccessKey(), token))
                .orElseGet(() -> AwsBasicCredentials.create(credential.accessKeyId(), credential.secretAccessKey()));
        return StaticCredentialsProvider.create(credentials);
    }

    /** The message AWS gives a role denied by no policy allowing the action. */
    String denial(String action, String resource) {
        return "User: " + role.sessionArn() + " is not authorized to perform: " + action + " on resource: " + resource
                + " because no identity-based policy allows the " + action + " action";
    }

    @Override
    public void close() {
        gateways.forEach(AuthGateway::close);
    }
}
