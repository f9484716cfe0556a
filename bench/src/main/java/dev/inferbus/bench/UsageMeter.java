package dev.inferbus.bench;

import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.iam.gateway.AccessLog;
import dev.inferbus.local.metering.CapacityLog;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts what a route used between {@link #start()} and {@link Window#usage}, from what the local cloud saw, not from
 * what the code is meant to do: the IAM gateways' decisions (every signed call, and EventBridge's deliveries to queues),
 * the bus's routed events, the DynamoDB request units the gateways metered from the items each call wrote or read,
 * and the REPORT lines the Lambda service writes per invocation (billed duration, memory size).
 * The administrator's calls (the load generator's PutEvents, the bench reading rows) are not the route's and are left out.
 */
final class UsageMeter {

    private static final Pattern REPORT = Pattern.compile("^REPORT RequestId: \\S+\\tDuration: [0-9.]+ ms\\tBilled Duration: (\\d+) ms\\tMemory Size: (\\d+) MB");

    private final LocalCloud cloud;

    UsageMeter(LocalCloud cloud) {
        this.cloud = cloud;
    }

    /** The counters now. */
    Window start() {
        Map<String, Long> logOffsets = new HashMap<>();
        for (String function : cloud.functionNames().keySet()) {
            logOffsets.put(function, cloud.function(function).function().logFile().toFile().length());
        }
        return new Window(cloud.accessLog().decisions(), cloud.capacityLog().units(), busEvents(), logOffsets);
    }

    private long busEvents() {
        return cloud.routing().routed() + cloud.routing().unmatched();
    }

    /** Counters at a window's start. */
    final class Window {
        private final Map<String, Map<AccessLog.Grant, AccessLog.Counts>> decisions;
        private final Map<String, CapacityLog.Units> capacity;
        private final long busEvents;
        private final Map<String, Long> logOffsets;

        private Window(Map<String, Map<AccessLog.Grant, AccessLog.Counts>> decisions, Map<String, CapacityLog.Units> capacity,
                       long busEvents, Map<String, Long> logOffsets) {
            this.decisions = decisions;
            this.capacity = capacity;
            this.busEvents = busEvents;
            this.logOffsets = logOffsets;
        }

        /**
         * @param function   the route's function (catalog name): its role's DynamoDB and S3 calls and its invocations count
         * @param queueArn   the route's source queue, whoever called it; null for a route without one
         * @param shards     the route's stream shards, 0 without one
         */
        RouteUsage usage(String route, long events, double rate, String function, String queueArn, int shards) throws IOException {
            String role = cloud.leastPrivilege().functions().get(function).roleArn();
            long sqs = 0, records = 0, puts = 0, gets = 0;
            for (var principal : cloud.accessLog().decisions().entrySet()) {
                if (principal.getKey().endsWith(":root")) {
                    continue;
                }
                boolean routeRole = principal.getKey().equals(role);
                for (var call : principal.getValue().entrySet()) {
                    long n = call.getValue().allowed() - before(principal.getKey(), call.getKey());
                    String action = call.getKey().action();
                    if (action.startsWith("sqs:") && call.getKey().resource().equals(queueArn)) {
                        sqs += n;
                    } else if (action.equals("kinesis:PutRecord") && shards > 0) {
                        records += n;
                    } else if (routeRole && action.equals("s3:PutObject")) {
                        puts += n;
                    } else if (routeRole && action.equals("s3:GetObject")) {
                        gets += n;
                    }
                }
            }
            long[] invocations = new long[1];
            double gbSeconds = 0;
            Path log = cloud.function(function).function().logFile();
            try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
                file.seek(logOffsets.getOrDefault(function, 0L));
                String line;
                while ((line = file.readLine()) != null) {
                    Matcher m = REPORT.matcher(new String(line.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
                    if (m.find()) {
                        invocations[0]++;
                        // Lambda bills the configured memory in GB (MB / 1024) for the billed duration
                        gbSeconds += Long.parseLong(m.group(1)) / 1000.0 * Long.parseLong(m.group(2)) / 1024.0;
                    }
                }
            }
            CapacityLog.Units none = new CapacityLog.Units(0, 0, 0);
            CapacityLog.Units end = cloud.capacityLog().units().getOrDefault(role, none);
            CapacityLog.Units begin = capacity.getOrDefault(role, none);
            return new RouteUsage(route, events, rate, busEvents() - busEvents, sqs, records, shards, invocations[0], gbSeconds,
                    end.writes() - begin.writes(), end.reads() - begin.reads(), end.unsized() - begin.unsized(), puts, gets);
        }

        private long before(String principal, AccessLog.Grant grant) {
            AccessLog.Counts counts = decisions.getOrDefault(principal, Map.of()).get(grant);
            return counts == null ? 0 : counts.allowed();
        }
    }
}
