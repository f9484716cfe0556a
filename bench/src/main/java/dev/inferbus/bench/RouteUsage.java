package dev.inferbus.bench;

/**
 * What one route used for {@code events} requests put at {@code ratePerSecond}, as the local cloud served it: the
 * bus's events (requests and results), the SQS requests and Kinesis records its gateways authorized, the Lambda
 * invocations and GB-seconds of the functions' REPORT lines, the DynamoDB request units and S3 requests of the
 * functions' roles.
 *
 * @param kinesisShards the stream's shards (billed per hour whatever the traffic); 0 for a route without a stream
 * @param dynamoWriteUnits write request units of the items written, 1 per KB each (the local cloud's capacity log)
 * @param dynamoReadUnits read request units of the items read, 1 per 4 KB each, half for an eventually consistent read
 * @param dynamoUnsizedWrites updates of items the log never saw written, counted 1 unit each whatever their size
 */
record RouteUsage(String route, long events, double ratePerSecond, long busEvents, long sqsRequests, long kinesisRecords,
                  int kinesisShards, long lambdaInvocations, double lambdaGbSeconds, double dynamoWriteUnits,
                  double dynamoReadUnits, long dynamoUnsizedWrites, long s3Puts, long s3Gets) {

    double perEvent(double total) {
        return total / events;
    }
}
