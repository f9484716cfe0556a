package dev.inferbus.local.sagemaker;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

/**
 * The body of an {@code InvokeEndpointWithResponseStream} answer: {@code application/vnd.amazon.eventstream}
 * messages (the codec the SDK decodes them with), each a {@code PayloadPart} event whose payload is a slice of
 * the container's output — SageMaker forwards the container's bytes as they come, cut where the container's
 * writes were, so slices here are of random sizes, splitting lines and characters like a real stream may — and,
 * for a failure after the 200, a {@code ModelStreamError} exception event {@code {"Message", "ErrorCode"}}
 * (SageMaker API reference: InvokeEndpointWithResponseStream, ResponseStream, PayloadPart, ModelStreamError).
 */
final class ResponseStreamWriter {

    static final String CONTENT_TYPE = "application/vnd.amazon.eventstream";
    /** Part sizes range over 1..MAX_PART bytes. */
    private static final int MAX_PART = 48;

    private final OutputStream out;
    private final SplittableRandom sizes;

    ResponseStreamWriter(OutputStream out, long seed) {
        this.out = out;
        this.sizes = new SplittableRandom(seed);
    }

    /** The container's output {@code text}, as PayloadParts of random sizes. */
    void parts(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int from = 0; from < bytes.length; ) {
            int to = Math.min(bytes.length, from + 1 + sizes.nextInt(MAX_PART));
            Map<String, HeaderValue> headers = new LinkedHashMap<>();
            headers.put(":event-type", HeaderValue.fromString("PayloadPart"));
            headers.put(":content-type", HeaderValue.fromString("application/octet-stream"));
            headers.put(":message-type", HeaderValue.fromString("event"));
            new Message(headers, Arrays.copyOfRange(bytes, from, to)).encode(out);
            from = to;
        }
        out.flush();
    }

    /** @param errorCode ModelInvocationTimeExceeded or StreamBroken, the codes the API reference lists */
    void modelStreamError(String errorCode, String message) throws IOException {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":exception-type", HeaderValue.fromString("ModelStreamError"));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        headers.put(":message-type", HeaderValue.fromString("exception"));
        String body = "{\"Message\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(message) + ",\"ErrorCode\":\""
                + errorCode + "\"}";
        new Message(headers, body.getBytes(StandardCharsets.UTF_8)).encode(out);
        out.flush();
    }
}
