package dev.inferbus.local.lambda;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** The poller threads of one event source mapping: started together, stopped together. */
final class PollerThreads implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    void start(String name, Runnable loop) {
        threads.add(Thread.ofPlatform().name(name).daemon().start(loop));
    }

    boolean running() {
        return running.get();
    }

    /** Waits a moment after a failed poll, so that a broken endpoint is not hammered. */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running.set(false);
        for (Thread thread : threads) {
            try {
                thread.join(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
