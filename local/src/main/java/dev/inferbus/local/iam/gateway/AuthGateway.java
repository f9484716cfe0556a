package dev.inferbus.local.iam.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.inferbus.local.emulators.Emulator;
import dev.inferbus.local.iam.AccessRequest;
import dev.inferbus.local.iam.Decision;
import dev.inferbus.local.iam.Principal;
import dev.inferbus.local.iam.gateway.services.AwsService;
import dev.inferbus.local.iam.gateway.services.CallRefused;
import dev.inferbus.local.iam.gateway.services.Classifier;
import dev.inferbus.local.iam.gateway.services.ErrorDialect;
import dev.inferbus.local.iam.gateway.services.ServiceCall;
import dev.inferbus.local.iam.gateway.sigv4.Authentication;
import dev.inferbus.local.iam.gateway.sigv4.Refusal;
import dev.inferbus.local.iam.gateway.sigv4.SigV4Verifier;
import dev.inferbus.local.iam.gateway.tls.TrustMaterial;
import dev.inferbus.local.relay.ErrorAnswer;
import dev.inferbus.local.relay.ProxiedRequest;
import dev.inferbus.local.relay.Relay;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTPS endpoint in front of one local service that does what AWS does before a request reaches the service:
 * authenticates its SigV4 signature, tells what it asks (one or more actions on resources), asks the
 * {@link dev.inferbus.local.iam.Authorizer} about each, and answers a refusal or a denial in the service's own error
 * shape. An allowed request goes to the upstream emulator unchanged (see {@link Relay}), and its answer comes back
 * unchanged; the Kinesis gateway reads GetShardIterator and GetRecords answers on the way, to learn which stream
 * each shard iterator reads. Every decision is recorded in the {@link AccessLog}.
 *
 * <p>It listens on 127.0.0.1 over TLS only, so every request's {@code aws:SecureTransport} is {@code "true"}; the
 * other global condition keys it sets are {@code aws:PrincipalArn}, {@code aws:PrincipalAccount} and
 * {@code aws:RequestedRegion} (the region the request was signed for) ("AWS global condition context keys",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
 */
public final class AuthGateway implements Emulator {

    private static final Logger LOG = LoggerFactory.getLogger(AuthGateway.class);

    private final AwsService service;
    private final URI upstream;
    private final GatewaySettings settings;
    private final HttpsServer server;
    private final ExecutorService executor;
    private final Relay relay;
    private final SigV4Verifier verifier;
    private final Classifier classifier;
    private final Principal administrator;

    private AuthGateway(AwsService service, URI upstream, GatewaySettings settings, HttpsServer server,
                        ExecutorService executor) {
        this.service = service;
        this.upstream = upstream;
        this.settings = settings;
        this.server = server;
        this.executor = executor;
        this.relay = new Relay(upstream, service.consumedHeaders());
        this.verifier = new SigV4Verifier(settings.credentials()::find, settings.clock());
        this.classifier = service.classifier(settings.arns(), settings.encryptedObjects());
        this.administrator = settings.credentials().admin().principal();
    }

    /** Starts a gateway for {@code service} on 127.0.0.1:{@code port} (0 picks a free port) in front of {@code upstream}. */
    public static AuthGateway start(AwsService service, int port, URI upstream, GatewaySettings settings) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", port), 128);
        server.setHttpsConfigurator(new HttpsConfigurator(settings.tls().serverContext()));
        // a virtual thread per exchange, as the fault proxy: forwarding blocks on both sockets
        ExecutorService executor = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("iam-gateway-" + service.signingName() + "-", 0).factory());
        AuthGateway gateway = new AuthGateway(service, upstream, settings, server, executor);
        server.createContext("/", gateway::handle);
        server.setExecutor(executor);
        server.start();
        return gateway;
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            Relay.Incoming incoming = Relay.read(exchange, service.readBody());
            ProxiedRequest request = incoming.request();
            if (service.readBody() > 0 && request.bodyTruncated()) {
                Relay.answerInstead(exchange, incoming, new ErrorAnswer(413, Map.of("Content-Type", "text/plain; charset=utf-8"),
                        ("request body over " + AwsService.MAX_READ_BODY + " bytes, more than " + service
                                + " takes").getBytes(StandardCharsets.UTF_8)));
                return;
            }
            ErrorDialect dialect = service.dialect(request);
            Verdict verdict = authorize(request, dialect);
            if (verdict.refusal() != null) {
                Relay.answerInstead(exchange, incoming, verdict.refusal());
                return;
            }
            forward(exchange, incoming, verdict.principal());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away mid-stream, or the upstream broke off its answer: nothing left to tell the client
            LOG.debug("IAM gateway for {}: exchange abandoned: {}", service, e.toString());
        } catch (RuntimeException e) {
            LOG.warn("IAM gateway for {}: exchange failed", service, e);
        }
    }

    /** Who made a request, and the service's answer refusing it; null when it may go on. */
    private record Verdict(Principal principal, ErrorAnswer refusal) {
    }

    private Verdict authorize(ProxiedRequest request, ErrorDialect dialect) {
        Principal principal;
        String region;
        switch (verifier.verify(request, settings.arns().region(), service.signingName())) {
            case Authentication.Verified verified -> {
                principal = verified.credential().principal();
                region = verified.region();
            }
            case Authentication.Refused refused when passesWithoutAuth(refused.refusal()) -> {
                principal = administrator;
                region = settings.arns().region();
            }
            case Authentication.Refused refused -> {
                settings.accessLog().refused(refused.refusal());
                LOG.debug("IAM gateway for {}: {} {} refused: {}", service, request.method(), request.path(), refused);
                return new Verdict(null, dialect.refusal(refused, request));
            }
        }
        List<ServiceCall> calls;
        try {
            calls = classifier.classify(request);
        } catch (CallRefused e) {
            return new Verdict(principal, dialect.answer(e.error(), e.getMessage(), request));
        }
        String denial = null;
        // every call is decided and logged, also after a denial: the access log shows all a request needed
        for (ServiceCall call : calls) {
            AccessRequest access = new AccessRequest(principal, call.action(), call.resource(), context(principal, region, call));
            Decision decision = settings.authorizer().authorize(access);
            settings.accessLog().record(access, decision);
            if (!decision.allowed() && denial == null) {
                denial = decision.message(access);
            }
        }
        if (denial != null) {
            LOG.debug("IAM gateway for {}: {}", service, denial);
            return new Verdict(principal, dialect.denial(denial, request));
        }
        return new Verdict(principal, null);
    }

    private boolean passesWithoutAuth(Refusal refusal) {
        return settings.mode() == GatewaySettings.Mode.NO_AUTH
                && (refusal == Refusal.MISSING_AUTHENTICATION || refusal == Refusal.UNKNOWN_ACCESS_KEY);
    }

    private static Map<String, String> context(Principal principal, String region, ServiceCall call) {
        Map<String, String> context = new LinkedHashMap<>();
        context.put("aws:SecureTransport", "true");
        context.put("aws:PrincipalArn", principal.arn());
        context.put("aws:PrincipalAccount", principal.account());
        context.put("aws:RequestedRegion", region);
        context.putAll(call.context());
        return context;
    }

    private void forward(HttpExchange exchange, Relay.Incoming incoming, Principal principal) throws IOException, InterruptedException {
        HttpResponse<InputStream> response;
        try {
            response = relay.forward(incoming);
        } catch (IOException e) {
            LOG.warn("IAM gateway for {}: the upstream did not answer a {}: {}", service, incoming.request().method(), e.toString());
            Relay.badGateway(exchange, "IAM gateway", e.toString());
            return;
        }
        ProxiedRequest request = incoming.request();
        boolean metered = service == AwsService.DYNAMODB;
        if (response.statusCode() == 200 && (metered || classifier.learnsFrom(request))) {
            // learnt before the client sees the answer: its next request may use what it carries at once
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readAllBytes();
            }
            if (classifier.learnsFrom(request)) {
                classifier.learn(request, response.headers().firstValue("Content-Type").orElse(null), body);
            }
            if (metered) {
                settings.capacityLog().record(principal.arn(), request.operation(), request.body(), body);
            }
            Relay.relay(exchange, response, new ByteArrayInputStream(body));
            return;
        }
        Relay.relay(exchange, response);
    }

    @Override
    public String service() {
        return service.signingName();
    }

    /** {@code https://127.0.0.1:<port>}: clients need {@link #trust()} to reach it. */
    @Override
    public URI endpoint() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The emulator requests are forwarded to. */
    public URI upstream() {
        return upstream;
    }

    /** What a client needs to trust this gateway's certificate. */
    public TrustMaterial trust() {
        return settings.tls().trust();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        relay.close();
    }
}
