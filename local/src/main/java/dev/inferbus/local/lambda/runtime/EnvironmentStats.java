package dev.inferbus.local.lambda.runtime;

/**
 * One execution environment as {@link FunctionPool#stats()} sees it.
 *
 * @param initMillis  process start to its first {@code next} (Lambda's Init Duration); -1 while it starts
 * @param invocations invocations it answered
 * @param rssKb       resident memory (VmRSS of /proc/PID/status); -1 when the process is gone
 */
public record EnvironmentStats(long pid, EnvironmentState state, long initMillis, long invocations, long rssKb) {
}
