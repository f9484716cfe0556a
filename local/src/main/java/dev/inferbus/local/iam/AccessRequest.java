package dev.inferbus.local.iam;

import java.util.Map;

/**
 * One authorization question: may {@code principal} perform {@code action} ({@code dynamodb:PutItem}) on
 * {@code resource} (an ARN), given the request's condition context ({@code aws:SecureTransport → "true"},
 * {@code aws:SourceArn → …})?
 */
public record AccessRequest(Principal principal, String action, String resource, Map<String, String> context) {

    public AccessRequest {
        context = Map.copyOf(context);
    }
}
