package dev.inferbus.events.replay;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A re-scoring of archived requests by one model version, told to the functions through the name of the
 * EventBridge replay that carries it: a replayed event keeps its detail unchanged and gains only a top-level
 * {@code replay-name} (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-replay-archived-event.html),
 * so the name is the one place the replay can say which model and version it re-scores.
 *
 * <p>The name is {@code rescore.<model>.<version>.<yyyyMMddTHHmmss>}: a catalog id has no dot and a version
 * neither, and EventBridge allows {@code [.\-_A-Za-z0-9]+}, 1..64, for a replay name
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_StartReplay.html).
 */
public record Rescore(String model, String version, String replayName) {

    public static final int MAX_NAME_LENGTH = 64;
    private static final String PREFIX = "rescore.";
    private static final Pattern NAME = Pattern.compile("rescore\\.([a-z0-9][a-z0-9-]*)\\.([A-Za-z0-9_-]+)\\.(\\d{8}T\\d{6})");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

    /** The replay that re-scores {@code model}'s requests with {@code version}, started at {@code at}. */
    public static Rescore of(String model, String version, Instant at) {
        String name = PREFIX + model + "." + version + "." + STAMP.format(at);
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("a replay name is at most " + MAX_NAME_LENGTH + " characters; '" + name
                    + "' is " + name.length() + ": shorten the model id or the version name");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("model '" + model + "' and version '" + version
                    + "' do not make a replay name: a model id is [a-z0-9-], a version [A-Za-z0-9_-]");
        }
        return new Rescore(model, version, name);
    }

    /** The re-scoring a replay's name asks for; empty for a replay that inferbus did not start. */
    public static Optional<Rescore> parse(String replayName) {
        if (replayName == null) {
            return Optional.empty();
        }
        Matcher m = NAME.matcher(replayName);
        return m.matches() ? Optional.of(new Rescore(m.group(1), m.group(2), replayName)) : Optional.empty();
    }
}
