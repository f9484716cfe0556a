package dev.inferbus.local.iam.gateway.services;

import java.util.Map;
import java.util.Objects;

/**
 * One thing a request asks to do, as IAM names it: an action ({@code dynamodb:PutItem}) on a resource (an ARN, or
 * {@code *} for actions on no resource) with the condition keys the request itself brings ({@code events:source}).
 * A request may ask several: a transaction writes several tables, a PutEvents call puts entries on several buses.
 */
public record ServiceCall(String action, String resource, Map<String, String> context) {

    public ServiceCall {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        context = Map.copyOf(context);
    }

    public ServiceCall(String action, String resource) {
        this(action, resource, Map.of());
    }
}
