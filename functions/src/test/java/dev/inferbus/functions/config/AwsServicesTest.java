package dev.inferbus.functions.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inferbus.events.timing.TimeBudgets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;

/**
 * Without its own timeouts a call could wait out Netty's read timeout once per SDK retry — longer than the
 * function, and longer than the publish lease it holds.
 */
class AwsServicesTest {

    @Test
    void everyServiceCallHasATimeoutWithinTheBudgets() {
        FunctionConfig config = FunctionConfig.from(Map.of(
                FunctionConfig.MODELS, "fraud-scorer", FunctionConfig.CATALOG, "classpath:", FunctionConfig.TABLE, "t",
                FunctionConfig.BUS, "b", FunctionConfig.BUCKET, "k", FunctionConfig.ENDPOINT_PREFIX + "DYNAMODB", "http://127.0.0.1:9"));
        try (AwsServices aws = new AwsServices(config)) {
            assertTimeouts(aws.dynamoDb().serviceClientConfiguration().overrideConfiguration(), TimeBudgets.AWS_CALL.toMillis(),
                    TimeBudgets.AWS_ATTEMPT.toMillis());
            // a PutEvents attempt is never abandoned for another that would put its events twice
            assertTimeouts(aws.events().serviceClientConfiguration().overrideConfiguration(), TimeBudgets.AWS_CALL.toMillis(),
                    TimeBudgets.AWS_CALL.toMillis());
            assertTimeouts(aws.s3().serviceClientConfiguration().overrideConfiguration(), TimeBudgets.S3_CALL.toMillis(),
                    TimeBudgets.S3_ATTEMPT.toMillis());
        }
    }

    private static void assertTimeouts(ClientOverrideConfiguration config, long callMillis, long attemptMillis) {
        assertThat(config.apiCallTimeout()).hasValueSatisfying(d -> assertThat(d.toMillis()).isEqualTo(callMillis));
        assertThat(config.apiCallAttemptTimeout()).hasValueSatisfying(d -> assertThat(d.toMillis()).isEqualTo(attemptMillis));
    }
}
