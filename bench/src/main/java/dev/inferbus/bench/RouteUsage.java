package dev.inferbus.bench;

/**
 * What one route used for {@code events} requests put at {@code ratePerSecond}, as the local cloud served it: the
 * bus's events (requests and results), the SQS requests and Kinesis records its gateways authorized, the Lambda
 * invocations and GB-seconds of the functions' REPORT lines, the DynamoDB and S3 requests of the functions' roles.
 *
 * @param kinesisShards the stream's shards (billed per hour whatever the traffic); 0 for a route without a stream
 * @param dynamoWriteUnits write request units: one per write call (a lower bound: an item over 1 KB costs more)
 * @param dynamoReadUnits read request units: one per read call (a lower bound, as the writes)
 */
record RouteUsage(String route, long events, double ratePerSecond, long busEvents, long sqsRequests, long kinesisRecords,
                  int kinesisShards, long lambdaInvocations, double lambdaGbSeconds, long dynamoWriteUnits,
                  long dynamoReadUnits, long s3Puts, long s3Gets) {

    double perEvent(double total) {
        return total / events;
    }
}
