package dev.inferbus.local.lambda.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A function's execution environments: at most {@code maxConcurrency} processes, each answering one invocation at a
 * time, started on demand (a cold start) and reused while they live, as Lambda scales a function.
 *
 * <p>A caller takes one of {@code maxConcurrency} slots (fairly: callers are served in arrival order), then the most
 * recently used live environment, or starts one. Holding a slot is what bounds the processes: every live environment
 * is either idle or held by exactly one slot holder, so a holder that finds none idle may start one. Timeouts and crashes
 * leave no environment behind; the next invocation cold-starts a new one.
 */
public final class FunctionPool {

    private final FunctionDefinition function;
    private final Map<String, String> credentials;
    private final RuntimeHost host;
    private final Semaphore slots;
    /** Live environments past Init and not held by a caller; most recently used first. */
    private final Deque<ExecutionEnvironment> idle = new ConcurrentLinkedDeque<>();
    /** Every environment whose process has not ended yet. */
    private final Set<ExecutionEnvironment> environments = ConcurrentHashMap.newKeySet();
    private final AtomicInteger started = new AtomicInteger();
    private volatile boolean closed;

    FunctionPool(FunctionDefinition function, Map<String, String> credentials, RuntimeHost host) {
        this.function = function;
        this.credentials = Map.copyOf(credentials);
        this.host = host;
        this.slots = new Semaphore(function.maxConcurrency(), true);
    }

    public FunctionDefinition function() {
        return function;
    }

    /**
     * Invokes the function synchronously (Lambda's RequestResponse): waits for a free environment or starts one, hands
     * it the payload, and waits for the answer, the function's timeout, or the process' end.
     *
     * @throws CancellationException when interrupted while waiting for an environment
     * @throws IllegalStateException once the service is closed
     */
    public InvocationResult invoke(String payloadJson) {
        acquire();
        try {
            while (true) {
                ExecutionEnvironment environment = takeIdle();
                if (environment == null) {
                    environment = launch();
                    if (environment.awaitInit() instanceof InitOutcome.Failed failed) {
                        return failed.error();
                    }
                }
                try {
                    InvocationResult result = environment.invoke(payloadJson);
                    if (!(result instanceof InvocationResult.Timeout || result instanceof InvocationResult.Crashed)) {
                        idle.addFirst(environment);
                    }
                    return result;
                } catch (ExecutionEnvironment.NotDelivered e) {
                    // it died between invocations: the runtime never saw this one, so another environment may take it
                }
            }
        } finally {
            slots.release();
        }
    }

    /**
     * Starts one environment and waits for the end of its Init, unless the function already has
     * {@code maxConcurrency} of them (then reports one of those).
     */
    public InitOutcome prewarm() {
        acquire();
        try {
            if (environments.size() >= function.maxConcurrency()) {
                ExecutionEnvironment existing = takeIdle();
                if (existing != null) {
                    idle.addFirst(existing);
                    return new InitOutcome.Ready(existing.pid(), existing.stats().initMillis());
                }
            }
            ExecutionEnvironment environment = launch();
            InitOutcome outcome = environment.awaitInit();
            if (outcome instanceof InitOutcome.Ready) {
                idle.addFirst(environment);
            }
            return outcome;
        } finally {
            slots.release();
        }
    }

    /** Every environment whose process has not ended, oldest first. */
    public List<EnvironmentStats> stats() {
        return environments.stream().map(ExecutionEnvironment::stats)
                .sorted(Comparator.comparingLong(EnvironmentStats::pid)).toList();
    }

    /** SIGKILLs the environment with this pid (an invocation it holds ends {@code Crashed}); false if none has it. */
    public boolean kill(long pid) {
        for (ExecutionEnvironment environment : environments) {
            if (environment.pid() == pid) {
                environment.kill();
                return true;
            }
        }
        return false;
    }

    /** SIGKILLs one environment, a busy one if there is one; returns its pid. */
    public OptionalLong killAny() {
        ExecutionEnvironment victim = environments.stream()
                .min(Comparator.comparing(e -> e.state() == EnvironmentState.BUSY ? 0 : 1)).orElse(null);
        if (victim == null) {
            return OptionalLong.empty();
        }
        victim.kill();
        return OptionalLong.of(victim.pid());
    }

    /** Stops taking invocations; the service ends the processes. */
    List<ProcessHandle> close() {
        closed = true;
        return environments.stream().map(ExecutionEnvironment::handle).toList();
    }

    List<ExecutionEnvironment> environments() {
        return List.copyOf(environments);
    }

    private ExecutionEnvironment takeIdle() {
        ExecutionEnvironment environment;
        while ((environment = idle.pollFirst()) != null) {
            if (environment.isUsable()) {
                return environment;
            }
        }
        return null;
    }

    private ExecutionEnvironment launch() {
        if (closed) {
            throw new IllegalStateException("the Lambda service is closed; " + function.name() + " takes no invocations");
        }
        try {
            ExecutionEnvironment environment = ExecutionEnvironment.launch(function, credentials, host,
                    function.name() + "-" + started.incrementAndGet(), this::ended);
            environments.add(environment);
            if (environment.gone().isDone()) {
                environments.remove(environment); // it ended before it was added
            }
            if (closed) { // the service closed while it started: it took the others' processes, not this one
                environment.kill();
                throw new IllegalStateException("the Lambda service is closed; " + function.name()
                        + " takes no invocations");
            }
            return environment;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start an environment for " + function.name(), e);
        }
    }

    private void ended(ExecutionEnvironment environment) {
        environments.remove(environment);
        idle.remove(environment);
    }

    private void acquire() {
        if (closed) {
            throw new IllegalStateException("the Lambda service is closed; " + function.name() + " takes no invocations");
        }
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for an environment of " + function.name());
        }
    }
}
