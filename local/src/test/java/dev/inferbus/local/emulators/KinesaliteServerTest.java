package dev.inferbus.local.emulators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inferbus.local.cloud.AwsClients;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;

class KinesaliteServerTest {

    /**
     * Port 0 lets the system pick while kinesalite binds, so no other socket can take the port between a choice
     * and the bind; the endpoint must then name the port it got, not the 0 it was asked for.
     */
    @Test
    void onPortZeroItListensWhereTheSystemPutItAndSaysWhere() throws Exception {
        try (KinesaliteServer kinesalite = KinesaliteServer.start(0);
             KinesisClient kinesis = AwsClients.configure(KinesisClient.builder(), kinesalite.endpoint()).build()) {
            assertThat(kinesalite.endpoint().getPort()).isPositive();
            assertThat(kinesis.listStreams().streamNames()).isEmpty();
        }
    }
}
