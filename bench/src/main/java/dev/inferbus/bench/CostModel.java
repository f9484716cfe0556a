package dev.inferbus.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** P6: a route's cost per 1M events at list prices, from its measured usage; and where an always-on endpoint wins. */
final class CostModel {

    private static final double MILLION = 1e6;

    /** @param lines dollars per 1M events, by service, in print order */
    record Cost(Map<String, Double> lines) {
        double total() {
            return lines.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    private CostModel() {
    }

    static Cost perMillionEvents(RouteUsage u, PriceTable p) {
        // units per event × a price per million units = dollars per million events
        Map<String, Double> lines = new LinkedHashMap<>();
        lines.put("EventBridge", u.perEvent(u.busEvents()) * p.eventBridgePerMillion());
        lines.put("SQS", u.perEvent(u.sqsRequests()) * p.sqsPerMillion());
        // a shard bills every hour it exists: 1M events at the measured rate keep the stream for 1M / rate seconds
        lines.put("Kinesis shard-hours", u.kinesisShards() * (MILLION / u.ratePerSecond() / 3600) * p.kinesisShardHour());
        lines.put("Kinesis PUT units", u.perEvent(u.kinesisRecords()) * p.kinesisPutUnitPerMillion());
        lines.put("Lambda requests", u.perEvent(u.lambdaInvocations()) * p.lambdaRequestPerMillion());
        lines.put("Lambda GB-s", u.perEvent(u.lambdaGbSeconds()) * MILLION * p.lambdaGbSecond());
        lines.put("DynamoDB", u.perEvent(u.dynamoWriteUnits()) * p.dynamoWruPerMillion()
                + u.perEvent(u.dynamoReadUnits()) * p.dynamoRruPerMillion());
        lines.put("S3", u.perEvent(u.s3Puts()) * MILLION / 1000 * p.s3PutPerThousand()
                + u.perEvent(u.s3Gets()) * MILLION / 1000 * p.s3GetPerThousand());
        return new Cost(lines);
    }

    /** One instance, always on: what a month of it costs whatever the traffic. */
    static double endpointMonthly(PriceTable p) {
        return p.endpointHour() * p.hoursPerMonth();
    }

    /**
     * Events a month past which one always-on endpoint costs less than the route's Lambda compute (requests + GB-s).
     * The bus, queue and table costs are left out on both sides, since a SageMaker route pays them too.
     */
    static double breakEvenEventsPerMonth(RouteUsage u, PriceTable p) {
        double lambdaPerEvent = u.perEvent(u.lambdaInvocations()) * p.lambdaRequestPerMillion() / MILLION
                + u.perEvent(u.lambdaGbSeconds()) * p.lambdaGbSecond();
        return endpointMonthly(p) / lambdaPerEvent;
    }

}
