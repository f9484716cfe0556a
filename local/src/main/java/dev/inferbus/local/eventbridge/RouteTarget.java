package dev.inferbus.local.eventbridge;

import com.fasterxml.jackson.databind.JsonNode;

/** Where a matched rule delivers an event, as EventBridge's targets do. */
@FunctionalInterface
public interface RouteTarget {

    /** @param event the full EventBridge event (envelope with detail) */
    void deliver(JsonNode event, String eventJson) throws Exception;
}
