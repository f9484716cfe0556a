package dev.inferbus.functions.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which header a record's span continues, and the stages derived before the function. */
class TraceContextsTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    /** The example of the X-Ray developer guide's "Tracing header" section. */
    private static final String SQS_HEADER = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    private static final String LAMBDA_HEADER = "Root=1-67891233-abcdef012345678912345678;Parent=463ac35c9f6413ad;Sampled=1";

    private static SpanContext of(Context context) {
        return Span.fromContext(context).getSpanContext();
    }

    @Test
    void theRequestsTraceparentWinsOverEveryXRayHeader() {
        SpanContext parent = of(TraceContexts.parent(TRACEPARENT, SQS_HEADER, LAMBDA_HEADER));
        assertThat(parent.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(parent.getSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(parent.isSampled()).isTrue();
        assertThat(parent.isRemote()).isTrue();
    }

    @Test
    void withoutATraceparentTheMessagesAwsTraceHeaderIsTheParentInW3CTerms() {
        SpanContext parent = of(TraceContexts.parent(null, SQS_HEADER, LAMBDA_HEADER));
        // X-Ray's Root=1-{8 hex time}-{24 hex} is the W3C trace id of 32 hex without the version and dash
        assertThat(parent.getTraceId()).isEqualTo("5759e988bd862e3fe1be46a994272793");
        assertThat(parent.getSpanId()).isEqualTo("53995c3f42cd8ad8");
        assertThat(parent.isSampled()).isTrue();
    }

    @Test
    void aMalformedTraceparentFallsBackToTheLambdaHeader() {
        SpanContext parent = of(TraceContexts.parent("00-not-a-trace-01", null, LAMBDA_HEADER));
        assertThat(parent.getTraceId()).isEqualTo("67891233abcdef012345678912345678");
        assertThat(parent.getSpanId()).isEqualTo("463ac35c9f6413ad");
    }

    @Test
    void noUsableHeaderStartsANewTrace() {
        assertThat(of(TraceContexts.parent(" ", "Root=garbage", null)).isValid()).isFalse();
    }

    @Test
    void aContinuedTraceparentNamesTheSameTraceAndTheGivenSpan() {
        SpanContext parent = of(TraceContexts.parent(TRACEPARENT, null, null));
        SpanContext child = SpanContext.create(parent.getTraceId(), "b7ad6b7169203331", parent.getTraceFlags(), parent.getTraceState());
        assertThat(TraceContexts.traceparent(child)).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01");
        assertThat(TraceContexts.traceparent(SpanContext.getInvalid())).isNull();
    }

    @Test
    void anSqsRecordWaitsForTheRuleTheQueueAndTheBatchingWindow() {
        Instant time = Instant.parse("2026-11-23T10:00:00.000Z");
        RecordSource sqs = RecordSource.sqs(Map.of("SentTimestamp", Long.toString(time.plusMillis(40).toEpochMilli()),
                "ApproximateFirstReceiveTimestamp", Long.toString(time.plusMillis(90).toEpochMilli())));
        assertThat(sqs.before(time, time.plusMillis(1090))).containsExactly(
                new RecordSource.Stage("rule", time, time.plusMillis(40)),
                new RecordSource.Stage("queue wait", time.plusMillis(40), time.plusMillis(90)),
                new RecordSource.Stage("batch wait", time.plusMillis(90), time.plusMillis(1090)));
    }

    @Test
    void aKinesisRecordWaitsForTheRuleAndTheStreamAndADirectOneForTheRuleAndLambdasQueue() {
        Instant time = Instant.parse("2026-11-23T10:00:00.000Z");
        RecordSource kinesis = RecordSource.kinesis(java.util.Date.from(time.plusMillis(30)));
        assertThat(kinesis.before(time, time.plusMillis(230))).containsExactly(
                new RecordSource.Stage("rule", time, time.plusMillis(30)),
                new RecordSource.Stage("stream wait", time.plusMillis(30), time.plusMillis(230)));
        assertThat(RecordSource.DIRECT.before(time, time.plusMillis(15)))
                .containsExactly(new RecordSource.Stage("rule + async invoke", time, time.plusMillis(15)));
    }

    @Test
    void anEventTimeOfWholeSecondsAfterTheDeliveryIsClampedRatherThanEndingBeforeItStarts() {
        Instant sent = Instant.parse("2026-11-23T10:00:00.400Z");
        RecordSource sqs = RecordSource.sqs(Map.of("SentTimestamp", Long.toString(sent.toEpochMilli())));
        assertThat(sqs.before(Instant.parse("2026-11-23T10:00:01Z"), sent.plusMillis(100)).getFirst())
                .isEqualTo(new RecordSource.Stage("rule", sent, sent));
    }
}
