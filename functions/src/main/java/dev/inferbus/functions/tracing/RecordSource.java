package dev.inferbus.functions.tracing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * What the event source tells about one record's way to the function, before any code of inferbus ran: the
 * timestamps its stages before the function are derived from, and the X-Ray header SQS carried.
 *
 * @param sent           SQS {@code SentTimestamp}: when the rule's target put the message on the queue
 * @param firstReceived  SQS {@code ApproximateFirstReceiveTimestamp}: when the event source mapping first took it
 * @param arrived        Kinesis {@code approximateArrivalTimestamp}: when the rule's target put the record on the stream
 * @param awsTraceHeader SQS {@code AWSTraceHeader} system attribute, null when absent
 */
public record RecordSource(Instant sent, Instant firstReceived, Instant arrived, String awsTraceHeader) {

    /** An EventBridge rule's asynchronous invocation: nothing between the rule and the function is visible. */
    public static final RecordSource DIRECT = new RecordSource(null, null, null, null);

    /** One stage before the function, with the times it is known by. */
    public record Stage(String name, Instant start, Instant end) {
    }

    /**
     * An SQS message's system attributes as Lambda passes them (epoch milliseconds as text;
     * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html, "Example Amazon SQS message event").
     */
    public static RecordSource sqs(Map<String, String> attributes) {
        return new RecordSource(epochMillis(attributes.get("SentTimestamp")),
                epochMillis(attributes.get("ApproximateFirstReceiveTimestamp")), null, attributes.get("AWSTraceHeader"));
    }

    public static RecordSource kinesis(Date approximateArrival) {
        return new RecordSource(null, null, approximateArrival == null ? null : approximateArrival.toInstant(), null);
    }

    /**
     * The stages from the event's time (when the bus accepted the put) to the invocation: the rule's delivery, then
     * the queue's wait and the batching window (SQS), or the stream's wait (Kinesis), or, for a rule invoking the
     * function itself, the rule and Lambda's asynchronous queue as one. A stage whose ends are unknown or out of
     * order (the event time has whole seconds on AWS) is clamped so that none ends before it starts.
     */
    public List<Stage> before(Instant eventTime, Instant invoked) {
        List<Stage> stages = new ArrayList<>();
        Instant delivered = sent != null ? sent : arrived;
        if (delivered == null) {
            add(stages, "rule + async invoke", eventTime, invoked);
            return stages;
        }
        add(stages, "rule", eventTime, delivered);
        if (sent != null) {
            Instant received = firstReceived != null ? firstReceived : invoked;
            add(stages, "queue wait", sent, received);
            add(stages, "batch wait", received, invoked);
        } else {
            add(stages, "stream wait", arrived, invoked);
        }
        return stages;
    }

    private static void add(List<Stage> stages, String name, Instant start, Instant end) {
        if (start == null || end == null) {
            return;
        }
        stages.add(new Stage(name, start.isAfter(end) ? end : start, end));
    }

    private static Instant epochMillis(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.ofEpochMilli(Long.parseLong(value));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
