package dev.inferbus.local.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inferbus.local.relay.ErrorAnswer;
import dev.inferbus.local.relay.ProxiedRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Rule decisions without a network: seeded probability, max counts, and the request helpers rules match on. */
class FaultRuleTest {

    private static final ProxiedRequest PUT_ITEM = new ProxiedRequest("POST", "/", null,
            Map.of("x-amz-target", List.of("DynamoDB_20120810.PutItem")),
            "{\"Item\":{\"requestId\":{\"S\":\"req-42\"}}}".getBytes(StandardCharsets.UTF_8), false);

    @Test
    void theSameSeedStrikesTheSameRequests() {
        FaultRule rule = FaultRule.dynamoDbInternalServerError().probability(0.3).seed(42).build();

        List<Boolean> first = strikes(new ActiveRule(rule), 1000);
        List<Boolean> again = strikes(new ActiveRule(rule), 1000);
        List<Boolean> otherSeed = strikes(new ActiveRule(FaultRule.dynamoDbInternalServerError().probability(0.3).seed(43).build()), 1000);

        assertThat(again).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
        assertThat(first.stream().filter(b -> b).count()).isBetween(250L, 350L);
    }

    @Test
    void maxCountCapsStrikesAndProbabilityZeroNeverStrikes() {
        ActiveRule firstTwo = new ActiveRule(FaultRule.dynamoDbThrottling().maxCount(2).build());
        assertThat(strikes(firstTwo, 5)).containsExactly(true, true, false, false, false);
        assertThat(firstTwo.counts()).isEqualTo(new FaultCounts(5, 2));

        ActiveRule never = new ActiveRule(FaultRule.dynamoDbThrottling().probability(0).build());
        assertThat(strikes(never, 10)).containsOnly(false);
    }

    @Test
    void requestHelpersReadTheTargetAndTheBody() {
        assertThat(PUT_ITEM.operation()).isEqualTo("PutItem");
        assertThat(PUT_ITEM.header("X-Amz-Target")).isEqualTo("DynamoDB_20120810.PutItem");
        assertThat(PUT_ITEM.bodyContains("req-42")).isTrue();
        assertThat(PUT_ITEM.bodyContains("req-43")).isFalse();
        assertThat(PUT_ITEM.query()).isEmpty();
        assertThat(new ProxiedRequest("GET", "/b/k", "", Map.of(), new byte[0], false).operation()).isEmpty();
    }

    @Test
    void invalidRulesAreRefused() {
        assertThatThrownBy(() -> FaultRule.dynamoDbThrottling().probability(1.5).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FaultRule.dynamoDbThrottling().maxCount(-1).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FaultRule.builder(" ").reply(AwsErrors.s3AccessDenied()).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FaultRule.builder("no-reply").build()).isInstanceOf(NullPointerException.class);
    }

    @Test
    void s3ErrorsAreS3sXml() {
        ErrorAnswer answer = AwsErrors.s3ServiceUnavailable().answer(new ProxiedRequest("GET", "/models/a.bin", "", Map.of(), new byte[0], false));
        String xml = new String(answer.body(), StandardCharsets.UTF_8);

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.headers()).containsEntry("Content-Type", "application/xml").containsKeys("x-amz-request-id", "x-amz-id-2");
        assertThat(xml).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
                .contains("<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>")
                .contains("<Resource>/models/a.bin</Resource>")
                .contains("<RequestId>" + answer.headers().get("x-amz-request-id") + "</RequestId>");
    }

    private static List<Boolean> strikes(ActiveRule rule, int requests) {
        List<Boolean> strikes = new ArrayList<>();
        IntStream.range(0, requests).forEach(i -> strikes.add(rule.strikes()));
        return strikes;
    }
}
