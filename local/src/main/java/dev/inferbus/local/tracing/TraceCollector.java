package dev.inferbus.local.tracing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.inferbus.local.emulators.Emulator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local cloud's OTLP/HTTP trace receiver: what the ADOT collector layer is to a function on AWS, one endpoint
 * for every function process, so a request's spans from several functions (and retries) land in one place. Each
 * export becomes JSON lines of {@link SpanRecord} appended to one file under the cloud's work folder, which
 * {@code ./inferbus trace} reads after (or while) the cloud runs.
 */
public final class TraceCollector implements Emulator {

    private static final Logger LOG = LoggerFactory.getLogger(TraceCollector.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String FILE = "spans.jsonl";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Path file;

    private TraceCollector(HttpServer server, ExecutorService executor, Path file) {
        this.server = server;
        this.executor = executor;
        this.file = file;
    }

    /** Listens on 127.0.0.1 at a free port, appending to {@code folder}/{@value #FILE}. */
    public static TraceCollector start(Path folder) throws IOException {
        Path file = Files.createDirectories(folder).resolve(FILE);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        ExecutorService executor = Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().name("otlp-collector").factory());
        TraceCollector collector = new TraceCollector(server, executor, file);
        server.createContext("/v1/traces", collector::export);
        server.setExecutor(executor);
        server.start();
        return collector;
    }

    private void export(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            List<SpanRecord> spans;
            try {
                spans = OtlpTraces.read(exchange.getRequestBody().readAllBytes());
            } catch (IOException e) {
                LOG.warn("an OTLP export could not be read: {}", e.toString());
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            append(spans);
            // an empty ExportTraceServiceResponse: everything was accepted
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
        }
    }

    private synchronized void append(List<SpanRecord> spans) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            for (SpanRecord span : spans) {
                out.write(JSON.writeValueAsString(span));
                out.newLine();
            }
        }
    }

    /** Every span collected in {@code folder} so far. */
    public static List<SpanRecord> read(Path folder) {
        Path file = folder.resolve(FILE);
        List<SpanRecord> spans = new ArrayList<>();
        if (!Files.exists(file)) {
            return spans;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                try {
                    if (!lines.get(i).isBlank()) {
                        spans.add(JSON.readValue(lines.get(i), SpanRecord.class));
                    }
                } catch (JsonProcessingException e) {
                    // another process reads while the running cloud appends: only the last line may be cut short
                    if (i < lines.size() - 1) {
                        throw e;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return spans;
    }

    public Path folder() {
        return file.getParent();
    }

    @Override
    public String service() {
        return "otlp";
    }

    @Override
    public URI endpoint() {
        return Emulator.loopback(server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
