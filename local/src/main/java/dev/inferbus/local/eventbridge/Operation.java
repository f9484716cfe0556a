package dev.inferbus.local.eventbridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One EventBridge operation of the AWS JSON 1.1 protocol: the request body in, the response body out. */
@FunctionalInterface
interface Operation {

    ObjectNode answer(JsonNode request) throws EventBridgeError;
}
