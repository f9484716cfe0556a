package dev.inferbus.local.cloud;

import dev.inferbus.local.iam.AccessRequest;
import dev.inferbus.local.iam.Authorizer;
import dev.inferbus.local.iam.Decision;
import dev.inferbus.local.iam.Principal;
import dev.inferbus.local.iam.gateway.AccessLog;
import dev.inferbus.local.metering.CapacityLog;
import dev.inferbus.local.iam.gateway.AuthGateway;
import dev.inferbus.local.iam.gateway.GatewaySettings;
import dev.inferbus.local.iam.gateway.services.Arns;
import dev.inferbus.local.iam.gateway.services.AwsService;
import dev.inferbus.local.iam.gateway.sigv4.Credential;
import dev.inferbus.local.iam.gateway.sigv4.CredentialsRegistry;
import dev.inferbus.local.iam.gateway.tls.GatewayTls;
import dev.inferbus.local.iam.gateway.tls.TrustMaterial;
import dev.inferbus.local.iam.policy.IamModel;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may do what in one local cloud: the gateways' TLS identity, the keys issued to the template's roles and to the
 * administrator, the template's policies once deployed, and the log of every decision. Until the template's policies
 * are read (its roles and queues must exist first), only the administrator is allowed anything, as in an account whose
 * stack is still being created.
 */
final class AccessControl implements AutoCloseable {

    private final GatewayTls tls;
    private final CredentialsRegistry credentials = new CredentialsRegistry(AwsClients.ACCOUNT);
    private final AccessLog accessLog = new AccessLog();
    private final Arns arns = new Arns(AwsClients.REGION, AwsClients.ACCOUNT);
    private final GatewaySettings settings;
    private static final Authorizer ADMIN_ONLY = request -> request.principal().kind() == Principal.Kind.ADMIN
            ? new Decision(Decision.Outcome.ALLOWED, "")
            : new Decision(Decision.Outcome.IMPLICIT_DENY, "because the stack's policies are not deployed yet");
    private volatile IamModel model;
    private final Map<String, AwsClients> clientsByPrincipal = new ConcurrentHashMap<>();
    private final Map<String, Credential> credentialByPrincipal = new ConcurrentHashMap<>();
    private final java.util.function.Supplier<Endpoints> gatewayEndpoints;

    private AccessControl(GatewayTls tls, GatewaySettings.Mode mode, java.util.function.Supplier<Endpoints> gatewayEndpoints) {
        this.tls = tls;
        this.gatewayEndpoints = gatewayEndpoints;
        this.settings = new GatewaySettings(tls, credentials, request -> model().<Authorizer>map(m -> m).orElse(ADMIN_ONLY).authorize(request), accessLog, arns, mode,
                Clock.systemUTC());
    }

    static AccessControl create(Path directory, boolean enforce, java.util.function.Supplier<Endpoints> gatewayEndpoints) throws IOException {
        return new AccessControl(GatewayTls.create(directory), enforce ? GatewaySettings.Mode.ENFORCE : GatewaySettings.Mode.NO_AUTH,
                gatewayEndpoints);
    }

    AuthGateway gateway(AwsService service, int port, URI upstream) throws IOException {
        return AuthGateway.start(service, port, upstream, settings);
    }

    /** From now on requests are decided by the template's own policies. */
    void install(IamModel model) {
        this.model = model;
    }

    Optional<IamModel> model() {
        return Optional.ofNullable(model);
    }

    TrustMaterial trust() {
        return tls.trust();
    }

    AccessLog log() {
        return accessLog;
    }

    CapacityLog capacity() {
        return settings.capacityLog();
    }

    Credential admin() {
        return credentials.admin();
    }

    /** A role's session, as Lambda or SageMaker assume it: the same key for the same role and session name. */
    Credential roleSession(String roleArn, String session) {
        Principal principal = Principal.roleSession(AwsClients.ACCOUNT, roleArn.substring(roleArn.lastIndexOf('/') + 1), session);
        return credentialByPrincipal.computeIfAbsent(principal.sessionArn(), arn -> credentials.issue(principal));
    }

    /** Clients that sign as {@code credential}, through the gateways. */
    AwsClients clientsAs(Credential credential) {
        return clientsByPrincipal.computeIfAbsent(credential.accessKeyId(),
                key -> new AwsClients(gatewayEndpoints.get(), ClientIdentity.of(credential, tls.trust())));
    }

    /**
     * A call the local cloud makes in process on a principal's behalf (a service principal's delivery, SageMaker's SNS
     * notification), decided and logged as the gateways decide theirs.
     *
     * @throws AccessDeniedException when the policies refuse it
     */
    void check(Principal principal, String action, String resource, Map<String, String> extraContext) {
        Map<String, String> context = new LinkedHashMap<>();
        context.put("aws:SecureTransport", "true"); // AWS's services call each other over TLS
        context.put("aws:PrincipalAccount", principal.account());
        context.putAll(extraContext);
        AccessRequest request = new AccessRequest(principal, action, resource, context);
        Decision decision = settings.authorizer().authorize(request);
        accessLog.record(request, decision);
        if (!decision.allowed()) {
            throw new AccessDeniedException(decision.message(request));
        }
    }

    static Principal service(String servicePrincipal) {
        return Principal.service(AwsClients.ACCOUNT, servicePrincipal);
    }

    @Override
    public void close() {
        clientsByPrincipal.values().forEach(AwsClients::close);
        clientsByPrincipal.clear();
    }

    /** A call the template's policies refuse, as the service would answer it. */
    static final class AccessDeniedException extends RuntimeException {
        AccessDeniedException(String message) {
            super(message);
        }
    }
}
