package dev.inferbus.local.faults;

import dev.inferbus.local.relay.ErrorAnswer;
import dev.inferbus.local.relay.ProxiedRequest;

/**
 * Builds the error a rule answers, per request: each answer carries a fresh request id, as AWS's do, and may
 * depend on the request (S3 names the resource). {@link AwsErrors} has the shapes the real services answer.
 */
@FunctionalInterface
public interface FaultReply {

    ErrorAnswer answer(ProxiedRequest request);
}
