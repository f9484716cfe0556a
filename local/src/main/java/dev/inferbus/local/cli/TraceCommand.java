package dev.inferbus.local.cli;

import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.template.Synthesizer;
import dev.inferbus.local.tracing.TraceCollector;
import dev.inferbus.local.tracing.Waterfall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code trace REQUEST_ID}: the request's waterfall from the spans the running (or last) {@code ./inferbus up}
 * collected from every function process — each stage, its start from the first span and its duration.
 */
@Command(name = "trace", description = {"Print a request's waterfall of stages from the running (or last) 'up'.",
        "Spans come from every function process through the local cloud's OTLP endpoint."})
final class TraceCommand extends CliCommand {

    @Parameters(index = "0", paramLabel = "REQUEST_ID", description = "the requestId of an InferenceRequested event")
    String requestId;

    @Option(names = "--width", defaultValue = "40", description = "characters of the bar column (default: ${DEFAULT-VALUE})")
    int width;

    @Override
    public Integer call() {
        if (width < 10 || width > 200) {
            throw misuse("--width must be between 10 and 200, not " + width);
        }
        Path traces = LocalCloud.tracesDirectory(LogsCommand.upDirectory(Synthesizer.projectRoot()));
        if (!Files.isDirectory(traces)) {
            err.println("error: no './inferbus up' has collected spans here yet (" + traces + " is missing)");
            return 1;
        }
        Optional<Waterfall> waterfall = Waterfall.of(requestId, TraceCollector.read(traces));
        if (waterfall.isEmpty()) {
            err.println("error: no span names request '" + requestId + "' in " + traces
                    + " (a request is traced when its traceparent or X-Ray header is sampled; spans arrive when its invocation ends)");
            return 1;
        }
        out.print(waterfall.get().render(width));
        return 0;
    }
}
