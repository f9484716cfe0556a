package dev.inferbus.local.faults;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.inferbus.local.emulators.Emulator;
import dev.inferbus.local.relay.ErrorAnswer;
import dev.inferbus.local.relay.ProxiedRequest;
import dev.inferbus.local.relay.Relay;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP proxy on loopback in front of one emulator, which answers some requests with the errors the real service
 * gives. The Lambda functions run as separate processes under AWS's runtime client, so faults cannot be injected into
 * their SDK clients any more; they are injected where AWS's come from, at the service: point a function's endpoint
 * at the proxy and it sees the emulator, except when a {@link FaultRule} strikes.
 *
 * <p>Rules are consulted in the order they were added; the first one that matches and strikes answers. Rules after it
 * are not consulted for that request (their {@code matched} does not count it). Without a striking rule the request
 * and its answer pass unchanged (see {@link Relay}). Rules may be added and removed while requests flow.
 *
 * <p>The AWS SDK retries 5xx and throttling errors on its own, as it does against AWS: a rule limited to a few
 * strikes is then absorbed by the client's retries, and only a client without retries sees each fault.
 */
public final class FaultProxy implements Emulator {

    private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);

    private final String service;
    private final URI upstream;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Relay relay;
    /** Copy-on-write: requests read a snapshot without locking; changes replace the list under this object's lock. */
    private volatile List<ActiveRule> rules = List.of();

    private FaultProxy(String service, URI upstream, HttpServer server, ExecutorService executor) {
        this.service = service;
        this.upstream = upstream;
        this.server = server;
        this.executor = executor;
        this.relay = new Relay(upstream);
    }

    /** Starts a proxy for {@code service} on 127.0.0.1:{@code port} (0 picks a free port) in front of {@code upstream}. */
    public static FaultProxy start(String service, int port, URI upstream) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
        // a virtual thread per exchange: forwarding blocks on both sockets, and large bodies may stream for a while
        ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("fault-proxy-" + service + "-", 0).factory());
        FaultProxy proxy = new FaultProxy(service, upstream, server, executor);
        server.createContext("/", proxy::handle);
        server.setExecutor(executor);
        server.start();
        return proxy;
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            Relay.Incoming incoming = Relay.read(exchange, ProxiedRequest.MAX_INSPECTED_BODY);
            ActiveRule striking = striking(incoming.request());
            if (striking != null && striking.rule().placement() == Placement.BEFORE) {
                Relay.answerInstead(exchange, incoming, answer(striking, incoming.request()));
                return;
            }
            HttpResponse<InputStream> response;
            try {
                response = relay.forward(incoming);
            } catch (IOException e) {
                // the relay already sent a whole body again on a new connection; the SDK retries a 502 as any 5xx
                LOG.warn("fault proxy for {}: the upstream did not answer a {}: {}", service, incoming.request().method(), e.toString());
                Relay.badGateway(exchange, "fault proxy", e.toString());
                return;
            }
            if (striking != null) {
                try (InputStream lost = response.body()) {
                    lost.transferTo(OutputStream.nullOutputStream()); // the service finished its work; its answer is lost
                }
                Relay.answer(exchange, answer(striking, incoming.request()));
                return;
            }
            Relay.relay(exchange, response);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away mid-stream, or the upstream broke off its answer: nothing left to tell the client
            LOG.debug("fault proxy for {}: exchange abandoned: {}", service, e.toString());
        } catch (RuntimeException e) {
            LOG.warn("fault proxy for {}: exchange failed", service, e);
        }
    }

    /** The first rule that matches the request and strikes, or null. */
    private ActiveRule striking(ProxiedRequest request) {
        for (ActiveRule active : rules) {
            if (matches(active, request) && active.strikes()) {
                return active;
            }
        }
        return null;
    }

    private boolean matches(ActiveRule active, ProxiedRequest request) {
        try {
            return active.rule().match().test(request);
        } catch (RuntimeException e) {
            // a broken predicate must not turn into a service error the SDK would retry; it just does not match
            LOG.warn("fault proxy for {}: the predicate of rule {} threw {}", service, active.rule().name(), e.toString());
            return false;
        }
    }

    private ErrorAnswer answer(ActiveRule striking, ProxiedRequest request) {
        ErrorAnswer answer = striking.rule().reply().answer(request);
        LOG.debug("fault proxy for {}: rule {} answers {} {} with {}", service, striking.rule().name(), request.method(),
                request.operation(), answer.status());
        return answer;
    }

    /** Adds a rule after the others; names are unique within a proxy. */
    public synchronized FaultProxy addRule(FaultRule rule) {
        if (find(rule.name()).isPresent()) {
            throw new IllegalArgumentException("a rule named " + rule.name() + " is already installed");
        }
        List<ActiveRule> next = new ArrayList<>(rules);
        next.add(new ActiveRule(rule));
        rules = List.copyOf(next);
        return this;
    }

    /** Removes a rule; its final counts, or empty when no rule had that name. */
    public synchronized Optional<FaultCounts> removeRule(String name) {
        Optional<ActiveRule> found = find(name);
        found.ifPresent(active -> rules = rules.stream().filter(r -> r != active).toList());
        return found.map(ActiveRule::counts);
    }

    public synchronized void clearRules() {
        rules = List.of();
    }

    /** The installed rules, in the order they are consulted. */
    public List<FaultRule> rules() {
        return rules.stream().map(ActiveRule::rule).toList();
    }

    /** The counts of an installed rule. */
    public FaultCounts counts(String name) {
        return find(name).orElseThrow(() -> new NoSuchElementException("no rule named " + name)).counts();
    }

    /** The counts of every installed rule, by name, in the order they are consulted. */
    public Map<String, FaultCounts> counts() {
        Map<String, FaultCounts> counts = new LinkedHashMap<>();
        rules.forEach(active -> counts.put(active.rule().name(), active.counts()));
        return counts;
    }

    private Optional<ActiveRule> find(String name) {
        return rules.stream().filter(active -> active.rule().name().equals(name)).findFirst();
    }

    @Override
    public String service() {
        return service;
    }

    @Override
    public URI endpoint() {
        return Emulator.loopback(server.getAddress().getPort());
    }

    /** The emulator requests are forwarded to. */
    public URI upstream() {
        return upstream;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        relay.close();
    }
}
