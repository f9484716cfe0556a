package dev.inferbus.local.relay;

import java.util.Map;

/** An HTTP answer the proxy sends instead of the service's: status, headers (content type included) and body. */
public record ErrorAnswer(int status, Map<String, String> headers, byte[] body) {

    public ErrorAnswer {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
        headers = Map.copyOf(headers);
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
