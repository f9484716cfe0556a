package dev.inferbus.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CostModelTest {

    /** Round prices so that every expected figure below is worked by hand. */
    private static final PriceTable PRICES = new PriceTable("test", "2026-11-23", 1.00, 0.40, 0.015, 0.014, 0.20,
            0.0000166667, 0.625, 0.125, 0.005, 0.0004, 1.408, 730);

    @Test
    void costPerMillionEventsAddsEachServiceFromItsMeasuredUnits() {
        // 1,000 events: 2,000 bus events, 300 SQS requests, 0 records, 10 invocations of 2 GB-s each,
        // 2,000 write units, 0 reads, no S3, no shards
        RouteUsage usage = new RouteUsage("cpu-batch", 1000, 100, 2000, 300, 0, 0, 10, 20.0, 2000, 0, 0, 0, 0);
        CostModel.Cost cost = CostModel.perMillionEvents(usage, PRICES);
        // per 1M events: 2M bus events × $1/M = $2; 0.3M SQS × $0.40/M = $0.12; 10k invocations × $0.20/M = $0.002;
        // 20k GB-s × $0.0000166667 = $0.333334; 2M WRU × $0.625/M = $1.25
        assertThat(cost.lines().get("EventBridge")).isCloseTo(2.0, within(1e-9));
        assertThat(cost.lines().get("SQS")).isCloseTo(0.12, within(1e-9));
        assertThat(cost.lines().get("Lambda requests")).isCloseTo(0.002, within(1e-9));
        assertThat(cost.lines().get("Lambda GB-s")).isCloseTo(0.333334, within(1e-6));
        assertThat(cost.lines().get("DynamoDB")).isCloseTo(1.25, within(1e-9));
        assertThat(cost.total()).isCloseTo(2.0 + 0.12 + 0.002 + 0.333334 + 1.25, within(1e-6));
    }

    @Test
    void kinesisShardHoursAreSpreadOverTheEventsOfTheMeasuredRate() {
        // 2 shards at 100 events/s: 1M events take 10,000 s = 2.7778 h → 5.5556 shard-hours × $0.015 = $0.083333;
        // 1M records of one PUT payload unit each × $0.014/M = $0.014
        RouteUsage usage = new RouteUsage("cpu-stream", 1000, 100, 0, 0, 1000, 2, 0, 0, 0, 0, 0, 0, 0);
        CostModel.Cost cost = CostModel.perMillionEvents(usage, PRICES);
        assertThat(cost.lines().get("Kinesis shard-hours")).isCloseTo(0.0833333, within(1e-6));
        assertThat(cost.lines().get("Kinesis PUT units")).isCloseTo(0.014, within(1e-9));
    }

    @Test
    void anAlwaysOnEndpointIsCheaperOnceTheRoutesLambdaCostPassesItsMonthlyPrice() {
        // Lambda per event: 1 request ($0.0000002) + 0.1 GB-s ($0.00000166667) = $0.00000186667;
        // the endpoint: $1.408 × 730 h = $1,027.84 a month → 1,027.84 / 0.00000186667 = 550.63M events a month
        RouteUsage usage = new RouteUsage("cpu-direct", 1000, 100, 0, 0, 0, 0, 1000, 100.0, 0, 0, 0, 0, 0);
        assertThat(CostModel.endpointMonthly(PRICES)).isCloseTo(1027.84, within(1e-9));
        assertThat(CostModel.breakEvenEventsPerMonth(usage, PRICES)).isCloseTo(550.628e6, within(0.01e6));
    }

    @Test
    void dynamoDbIsPricedByTheRequestUnitsOfTheItemsNotByCalls() {
        // 1,000 events, each a 3 KB row put (3 write units) and updated once (3 more), and read once eventually
        // consistent (half a read unit): 6M write units × $0.625/M = $3.75; 0.5M read units × $0.125/M = $0.0625
        RouteUsage usage = new RouteUsage("sentence-embedder", 1000, 100, 0, 0, 0, 0, 0, 0, 6000, 500, 0, 0, 0);
        CostModel.Cost cost = CostModel.perMillionEvents(usage, PRICES);
        assertThat(cost.lines().get("DynamoDB")).isCloseTo(3.75 + 0.0625, within(1e-9));
    }

    @Test
    void s3RequestsArePricedPerThousand() {
        RouteUsage usage = new RouteUsage("cpu-direct", 1000, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1000, 2000);
        CostModel.Cost cost = CostModel.perMillionEvents(usage, PRICES);
        // 1M PUTs × $0.005/1000 = $5; 2M GETs × $0.0004/1000 = $0.80
        assertThat(cost.lines().get("S3")).isCloseTo(5.80, within(1e-9));
    }

    @Test
    void theDatedTableLoadsEveryPriceItNames() {
        PriceTable table = PriceTable.load();
        assertThat(table.date()).isEqualTo("2026-11-23");
        assertThat(table.lambdaRequestPerMillion()).isEqualTo(0.20);
        assertThat(table.hoursPerMonth()).isEqualTo(730);
    }
}
