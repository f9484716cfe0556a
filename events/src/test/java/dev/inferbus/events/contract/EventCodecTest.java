package dev.inferbus.events.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.samples.SampleEvents;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private final EventCodec codec = EventCodec.create();

    @Test
    void decodesAnEventBridgeEnvelopeWithItsIdAndTime() {
        String json = """
                {"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718","detail-type":"InferenceRequested",
                 "source":"app.payments","account":"111122223333","time":"2026-11-22T10:00:00Z","region":"eu-west-1",
                 "resources":[],"detail":{"requestId":"txn-1","model":"fraud-scorer","input":{"features":{"amount":1}},
                 "partitionKey":"card-1","attributes":{"a":"b"}}}""";

        Decoded decoded = codec.decode(json);

        assertThat(decoded).isInstanceOf(Decoded.Request.class);
        Decoded.Request request = (Decoded.Request) decoded;
        assertThat(request.eventId()).isEqualTo("6a7e8feb-b491-4cf7-a9f1-bf3703467718");
        assertThat(request.eventTime()).isEqualTo(Instant.parse("2026-11-22T10:00:00Z"));
        assertThat(request.detail().requestId()).isEqualTo("txn-1");
        assertThat(request.detail().input().path("features").path("amount").asDouble()).isEqualTo(1.0);
        assertThat(request.detail().attributes()).containsEntry("a", "b");
        assertThat(request.detail().version()).isNull();
    }

    @Test
    void decodesABareDetail() {
        Decoded decoded = codec.decode("{\"requestId\":\"r-1\",\"model\":\"m\",\"inputRef\":\"s3://bucket-a/in/r-1.json\"}");

        assertThat(decoded).isInstanceOfSatisfying(Decoded.Request.class, r -> {
            assertThat(r.detail().inputRef()).isEqualTo("s3://bucket-a/in/r-1.json");
            assertThat(r.eventId()).isNull();
            assertThat(r.eventTime()).isNull();
        });
    }

    @Test
    void everyValidSampleDecodes() {
        for (SampleEvents.Sample sample : SampleEvents.valid()) {
            assertThat(codec.decode(sample.event())).as(sample.name()).isInstanceOf(Decoded.Request.class);
        }
    }

    @Test
    void everyInvalidEventSampleIsRejectedNamingItsField() {
        for (SampleEvents.Sample sample : SampleEvents.invalid()) {
            Decoded decoded = codec.decode(sample.event());
            if (sample.expected().errorCode() != ErrorCode.INVALID_EVENT) {
                // wrong model, version or input shape are judged against the catalog, after decoding
                assertThat(decoded).as(sample.name()).isInstanceOf(Decoded.Request.class);
                continue;
            }
            assertThat(decoded).as(sample.name()).isInstanceOfSatisfying(Decoded.Invalid.class, invalid -> {
                assertThat(invalid.rejection().code()).isEqualTo(ErrorCode.INVALID_EVENT);
                assertThat(invalid.rejection().message()).as(sample.name()).startsWith(sample.expected().field());
            });
        }
    }

    @Test
    void keepsTheRequestIdOfAnInvalidEventWhenItIsUsable() {
        Decoded decoded = codec.decode("{\"requestId\":\"r-9\",\"model\":\"m\",\"input\":{},\"traceparent\":\"nope\"}");

        assertThat(decoded).isInstanceOfSatisfying(Decoded.Invalid.class, invalid -> {
            assertThat(invalid.rejection().requestId()).isEqualTo("r-9");
            assertThat(invalid.rejection().model()).isEqualTo("m");
            assertThat(invalid.rejection().message()).startsWith("/traceparent: ").contains("pattern");
        });
    }

    @Test
    void rejectsWhatIsNotAnInferenceRequest() {
        assertThat(message(codec.decode("{not json"))).startsWith("/: not valid JSON");
        assertThat(message(codec.decode("{\"requestId\":\"a\",\"model\":\"m\",\"input\":{}}}"))).startsWith("/: not valid JSON");
        assertThat(message(codec.decode("[1,2]"))).startsWith("/: expected a JSON object").endsWith("an array");
        assertThat(message(codec.decode("{\"detail-type\":\"OrderPlaced\",\"detail\":{}}")))
                .isEqualTo("/detail-type: expected \"InferenceRequested\", got a string of 11 characters");
        assertThat(message(codec.decode("{\"detail-type\":\"InferenceRequested\",\"detail\":\"x\"}")))
                .isEqualTo("/detail: expected an object, got a string of 1 characters");
        assertThat(message(codec.decode("{\"detail-type\":\"InferenceRequested\",\"time\":\"yesterday\",\"detail\":"
                + "{\"requestId\":\"a\",\"model\":\"m\",\"input\":{}}}"))).startsWith("/time: expected an RFC 3339 instant");
        assertThat(message(codec.decode("{\"requestId\":\"a\",\"model\":\"m\",\"input\":{},\"colour\":\"red\"}")))
                .startsWith("/colour: ");
    }

    @Test
    void refusesDeeplyNestedJsonWithoutCrashing() {
        String deep = "{\"requestId\":\"a\",\"model\":\"m\",\"input\":" + "{\"x\":".repeat(200) + "1" + "}".repeat(200) + "}";

        assertThat(message(codec.decode(deep))).startsWith("/: not valid JSON").contains("nesting depth");
    }

    @Test
    void resultEventsMatchTheirSchemas() {
        ObjectNode output = codec.objectNode().put("label", "fraud").put("score", 0.93);
        InferenceCompleted completed = new InferenceCompleted("r-1", "fraud-scorer", "1", "cpu", output, null, 1.5, 20.0,
                Map.of("k", "v"), null);
        InferenceFailed failed = new Rejection(null, null, ErrorCode.INVALID_EVENT, "/: not valid JSON").toEvent(null);

        assertThat(codec.schemas().checkCompleted(codec.mapper().valueToTree(completed))).isEmpty();
        assertThat(codec.schemas().checkFailed(codec.mapper().valueToTree(failed))).isEmpty();
        assertThat(codec.toJson(failed)).contains("\"requestId\":null");
        assertThat(codec.schemas().checkCompleted(codec.objectNode().put("requestId", "r"))).isNotEmpty();
    }

    private static String message(Decoded decoded) {
        assertThat(decoded).isInstanceOf(Decoded.Invalid.class);
        return ((Decoded.Invalid) decoded).rejection().message();
    }
}
