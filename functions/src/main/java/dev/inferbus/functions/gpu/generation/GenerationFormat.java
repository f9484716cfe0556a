package dev.inferbus.functions.gpu.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.EndpointSpec;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.functions.generation.Generation;
import dev.inferbus.functions.generation.GenerationRequest;
import dev.inferbus.functions.generation.Parameters;
import dev.inferbus.functions.gpu.MalformedPayloadException;
import dev.inferbus.functions.gpu.WireFormat;
import dev.inferbus.functions.runtime.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a generation travels to a text-generation container and back, one adapter per catalog {@code format}, with
 * both faces like {@link WireFormat}: the forwarder writes requests and reads responses and streams; the local
 * endpoint reads requests and writes responses and streams — so the two cannot drift apart.
 */
public sealed interface GenerationFormat permits HfTgiFormat, OpenAiChatFormat {

    static GenerationFormat of(EndpointSpec endpoint) {
        return switch (endpoint.format()) {
            case HF_TGI -> new HfTgiFormat();
            case OPENAI_CHAT -> new OpenAiChatFormat();
            default -> throw new IllegalArgumentException("endpoint " + endpoint.name() + " speaks " + endpoint.format().wireName()
                    + ", which carries no generations");
        };
    }

    default String contentType() {
        return "application/json";
    }

    /** Refuses a request the format cannot carry, naming the input's field. */
    void check(GenerationRequest request, String inputPointer) throws InvalidInputException;

    /** The request body; {@code stream} asks the container for server-sent events. */
    byte[] request(GenerationRequest request, boolean stream);

    /** A whole (not streamed) response: a real-time answer or an asynchronous endpoint's output. */
    Generation response(byte[] body) throws MalformedPayloadException;

    /** A decoder for one streamed response. */
    StreamDecoder decoder();

    /**
     * What the container's refusals of a request mean for it, by the status it answers them with: the same mistake
     * (a prompt over the context) must fail with the same code whichever container the endpoint runs.
     */
    Map<Integer, ErrorCode> refusals();

    /** The container's face: what a request asks for. */
    ContainerCall readRequest(byte[] body) throws MalformedPayloadException;

    /** The container's face: the whole response. */
    byte[] writeResponse(Generation generation);

    /**
     * The container's face: the events of the {@code index}th generated token (0-based) of a stream, and with
     * {@code end} (the last token's call) those that close it. A generation of no token still gets one call.
     */
    String writeEvents(int index, String token, Generation end);

    /** The container's face: its refusal of a request whose prompt and new tokens exceed its context. */
    ContainerRefusal overContext(int promptTokens, int maxNewTokens, int contextTokens);

    /** The container's face: its refusal of a request it cannot read. */
    ContainerRefusal badRequest(String message);

    /** The container's face: the event it writes when generation fails mid-stream. */
    String streamError(String message);

    // --- shared by the adapters

    static String text(JsonNode node, String where) throws MalformedPayloadException {
        if (node == null || !node.isTextual()) {
            throw new MalformedPayloadException(where + ": expected a string, got " + (node == null ? "nothing" : node.getNodeType()));
        }
        return node.asText();
    }

    static int count(JsonNode node, String where) throws MalformedPayloadException {
        if (node == null || !node.isIntegralNumber() || node.asInt() < 0) {
            throw new MalformedPayloadException(where + ": expected a whole number >= 0, got " + (node == null ? "nothing" : node));
        }
        return node.asInt();
    }

    /** The container's reading of parameters, with its own default where the request says nothing. */
    static Parameters parameters(JsonNode node, String maxTokensField, int defaultMaxTokens, String where) throws MalformedPayloadException {
        JsonNode max = node.path(maxTokensField);
        int maxNewTokens = max.isMissingNode() || max.isNull() ? defaultMaxTokens : count(max, where + "." + maxTokensField);
        double temperature = node.path("temperature").isNumber() ? node.get("temperature").asDouble() : 1;
        double topP = node.path("top_p").isNumber() ? node.get("top_p").asDouble() : 1;
        List<String> stop = new ArrayList<>();
        for (JsonNode s : node.path("stop")) {
            stop.add(text(s, where + ".stop[]"));
        }
        Long seed = node.path("seed").isIntegralNumber() ? node.get("seed").asLong() : null;
        if (temperature < 0 || !(topP > 0 && topP <= 1)) {
            throw new MalformedPayloadException(where + ": temperature must be >= 0 and top_p in (0, 1]");
        }
        return new Parameters(maxNewTokens, temperature, topP, stop, seed);
    }

    static void putSampling(ObjectNode into, Parameters p) {
        p.stop().forEach(into.putArray("stop")::add);
        if (p.seed() != null) {
            into.put("seed", p.seed());
        }
    }
}
