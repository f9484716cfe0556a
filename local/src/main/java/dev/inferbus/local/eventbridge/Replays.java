package dev.inferbus.local.eventbridge;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replays of the bus's archives: accepted by {@link #start}, run on background threads that stop with the
 * local EventBridge, each sending its window's archived events back through the {@link EventRouter}.
 */
final class Replays implements AutoCloseable {

    /** "You can have a maximum of 10 active concurrent replays per account per AWS Region" (eb-replay-archived-event). */
    static final int MAX_ACTIVE = 10;

    private static final Logger LOG = LoggerFactory.getLogger(Replays.class);

    private final EventRouter router;
    private final ObjectMapper json;
    /** Every replay by name, in the order they started; the names of ended replays stay taken, as on AWS. */
    private final Map<String, Replay> replays = new LinkedHashMap<>();
    private final ExecutorService runners = Executors.newFixedThreadPool(MAX_ACTIVE,
            Thread.ofPlatform().name("replay-", 0).daemon().factory());

    Replays(EventRouter router, ObjectMapper json) {
        this.router = router;
        this.json = json;
    }

    /**
     * Accepts a replay (checked by the caller against the archive, the bus and its rules) and starts it; refuses a
     * name in use ("ResourceAlreadyExistsException: The resource you are trying to create already exists") and an
     * eleventh active replay (LimitExceededException), as StartReplay does
     * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_StartReplay.html).
     */
    Replay start(Replay.Request request) throws EventBridgeError {
        Replay replay;
        synchronized (this) {
            if (replays.containsKey(request.name())) {
                throw new EventBridgeError(400, "ResourceAlreadyExistsException", "Replay " + request.name() + " already exists.");
            }
            if (replays.values().stream().filter(Replay::active).count() >= MAX_ACTIVE) {
                throw new EventBridgeError(400, "LimitExceededException", "At most " + MAX_ACTIVE
                        + " replays may be active at once in an account and Region.");
            }
            replay = new Replay(request, Instant.now());
            replays.put(request.name(), replay);
        }
        runners.execute(() -> run(replay));
        return replay;
    }

    synchronized Optional<Replay> find(String name) {
        return Optional.ofNullable(replays.get(name));
    }

    synchronized List<Replay> all() {
        return List.copyOf(replays.values());
    }

    /**
     * Sends the window's events, earliest first ("Events are not necessarily replayed in the exact same order that
     * they were added to the archive. A replay processes events to replay based on the time in the event",
     * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_StartReplay.html), as fast as the targets take
     * them: AWS paces a replay in one-minute steps of event time, which locally would only make tests wait.
     */
    private void run(Replay replay) {
        Replay.Request request = replay.request();
        if (!replay.run()) {
            replay.end(null, Instant.now());
            return;
        }
        try {
            var filter = request.filterArns() == null ? null : new HashSet<>(request.filterArns());
            for (Archive.ArchivedEvent event : request.archive().between(request.eventStartTime(), request.eventEndTime())) {
                if (!replay.going()) {
                    break;
                }
                router.replay(json.readTree(event.json()), request.name(), filter);
                replay.replayed(event.eventTime());
            }
            replay.end(null, Instant.now());
        } catch (Exception e) {
            LOG.warn("replay {} failed: {}", request.name(), e.toString());
            replay.end(e.toString(), Instant.now());
        }
    }

    @Override
    public void close() {
        runners.shutdownNow();
    }
}
