package dev.inferbus.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * AWS list prices for us-east-1 in dollars, as the dated table in this module's resources states them with their
 * sources; the bench reads them from there only.
 *
 * @param source the table's resource name, printed beside every cost
 */
record PriceTable(String source, String date, double eventBridgePerMillion, double sqsPerMillion, double kinesisShardHour,
                  double kinesisPutUnitPerMillion, double lambdaRequestPerMillion, double lambdaGbSecond,
                  double dynamoWruPerMillion, double dynamoRruPerMillion, double s3PutPerThousand, double s3GetPerThousand,
                  double endpointHour, double hoursPerMonth) {

    static final String CURRENT = "prices-us-east-1-2026-11-23.json";

    static PriceTable load() {
        return load(CURRENT);
    }

    static PriceTable load(String resource) {
        try (InputStream in = PriceTable.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("no price table " + resource + " on the classpath");
            }
            JsonNode table = Workload.JSON.readTree(in);
            JsonNode p = table.path("prices");
            return new PriceTable(resource, table.path("date").asText(), usd(p, "eventBridgeCustomEventPerMillion"),
                    usd(p, "sqsStandardRequestPerMillion"), usd(p, "kinesisShardHour"), usd(p, "kinesisPutPayloadUnitPerMillion"),
                    usd(p, "lambdaRequestPerMillion"), usd(p, "lambdaGbSecondX86"), usd(p, "dynamoDbWriteRequestUnitPerMillion"),
                    usd(p, "dynamoDbReadRequestUnitPerMillion"), usd(p, "s3PutPerThousand"), usd(p, "s3GetPerThousand"),
                    usd(p, "sageMakerRealTimeMlG5XlargeHour"), usd(p, "hoursPerMonth"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the price table " + resource, e);
        }
    }

    private static double usd(JsonNode prices, String name) {
        JsonNode price = prices.path(name).path("usd");
        if (!price.isNumber()) {
            throw new IllegalStateException("the price table has no " + name);
        }
        return price.asDouble();
    }
}
