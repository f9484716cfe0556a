package dev.inferbus.functions.gpu.generation;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Server-sent events out of byte slices cut anywhere: SageMaker's PayloadParts carry arbitrary pieces of the
 * container's output, so a line, or a UTF-8 character, may span parts. Lines are cut at LF (a CR before it
 * dropped); an event's {@code data:} lines are joined with LF and the event ends at a blank line (WHATWG HTML,
 * "Server-sent events", event stream interpretation). Other fields ({@code event:}, {@code id:}, comments) are
 * skipped: TGI and vLLM send data only.
 */
public final class SseEvents {

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;

    /** The data of each event {@code bytes} complete, in order. */
    public List<String> accept(byte[] bytes) {
        List<String> events = new ArrayList<>();
        for (byte b : bytes) {
            if (b != '\n') {
                line.write(b);
                continue;
            }
            byte[] raw = line.toByteArray();
            line.reset();
            int length = raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
            String text = new String(raw, 0, length, StandardCharsets.UTF_8);
            if (text.isEmpty()) {
                if (hasData) {
                    events.add(data.toString());
                }
                data.setLength(0);
                hasData = false;
            } else if (text.startsWith("data:")) {
                if (hasData) {
                    data.append('\n');
                }
                data.append(text, text.startsWith("data: ") ? 6 : 5, text.length());
                hasData = true;
            }
        }
        return events;
    }

    /** At the end of the stream: an event whose blank line never came, else nothing. */
    public List<String> finish() {
        return accept(new byte[] {'\n', '\n'});
    }

    /** One event carrying {@code data} (a single line), as a container writes it. */
    public static String event(String data) {
        return "data: " + data + "\n\n";
    }
}
