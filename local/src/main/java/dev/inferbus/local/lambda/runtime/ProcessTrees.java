package dev.inferbus.local.lambda.runtime;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Ending a function process together with whatever it started, so no process outlives its environment. */
final class ProcessTrees {

    private ProcessTrees() {
    }

    /** SIGKILL to the process and its descendants, then waits (up to 5 s) until they are gone. */
    static void killNow(ProcessHandle process) {
        awaitGone(signalKill(process), Duration.ofSeconds(5));
    }

    /** SIGKILL to the process and its descendants, without waiting. */
    static List<ProcessHandle> signalKill(ProcessHandle process) {
        List<ProcessHandle> tree = tree(process);
        tree.forEach(ProcessHandle::destroyForcibly);
        return tree;
    }

    /**
     * SIGTERM to every tree, SIGKILL to what is left after {@code grace}, then waits (up to 5 s more) until all are gone.
     * Trees are taken before any signal, since a killed parent's children get reparented and could not be found after.
     */
    static void terminate(Collection<ProcessHandle> processes, Duration grace) {
        List<ProcessHandle> all = processes.stream().flatMap(p -> tree(p).stream()).toList();
        all.forEach(ProcessHandle::destroy);
        awaitGone(all, grace);
        all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        awaitGone(all, Duration.ofSeconds(5));
    }

    private static List<ProcessHandle> tree(ProcessHandle process) {
        return Stream.concat(process.descendants(), Stream.of(process)).toList();
    }

    private static void awaitGone(List<ProcessHandle> processes, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        for (ProcessHandle process : processes) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                process.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // timed out: the caller escalates or reports
            }
        }
    }
}
