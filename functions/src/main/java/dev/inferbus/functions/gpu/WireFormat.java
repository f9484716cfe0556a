package dev.inferbus.functions.gpu;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.inferbus.events.catalog.EndpointSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * How texts travel to an endpoint's container and embeddings come back, one adapter per catalog {@code format}.
 * Both faces live here: the forwarder writes requests and reads responses; the local endpoint (a container
 * stand-in) reads requests and writes responses — so the two cannot drift apart.
 */
public sealed interface WireFormat permits HfTeiFormat, InferbusJsonFormat, KserveV2Format {

    ObjectMapper JSON = new ObjectMapper();

    /** The endpoint's format, with the request options its catalog entry sets. */
    static WireFormat of(EndpointSpec endpoint) {
        return switch (endpoint.format()) {
            case HF_TEI -> new HfTeiFormat(endpoint.truncate());
            case INFERBUS_JSON -> new InferbusJsonFormat();
            case KSERVE_V2 -> new KserveV2Format();
            // generations travel in their own formats (gpu.generation.GenerationFormat)
            case HF_TGI, OPENAI_CHAT -> throw new IllegalArgumentException("endpoint " + endpoint.name() + " carries generations ("
                    + endpoint.format().wireName() + "), not embeddings");
        };
    }

    /**
     * What a container reads from a request.
     *
     * @param truncate whether the caller lets the container cut a text over the model's token limit rather than
     *                 refuse the request: TEI's {@code truncate}; a format without that switch says true, as its
     *                 stand-in model cuts such texts like the cpu runtime does
     */
    record ContainerRequest(List<String> texts, boolean truncate) {
        public ContainerRequest {
            texts = List.copyOf(texts);
        }
    }

    /** Every format here is JSON; a binary one (e.g. KServe's binary tensor extension) would say otherwise. */
    default String contentType() {
        return "application/json";
    }

    /** The request body carrying {@code texts}, in order. */
    byte[] request(List<String> texts);

    /** One embedding per text of the request, in order; refuses anything else. */
    List<float[]> response(byte[] body, int expected) throws MalformedPayloadException;

    /** The container's face: what a request body asks for. */
    ContainerRequest readRequest(byte[] body) throws MalformedPayloadException;

    /** The container's face: the response body for {@code embeddings}. */
    byte[] writeResponse(List<float[]> embeddings);

    static JsonNode parse(byte[] body, String what) throws MalformedPayloadException {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new MalformedPayloadException(what + " is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new MalformedPayloadException(what + " is not JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new MalformedPayloadException(what + " cannot be read (" + e.getMessage() + ")");
        }
    }

    static byte[] write(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An array of finite numbers as floats. */
    static float[] vector(JsonNode node, String where) throws MalformedPayloadException {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new MalformedPayloadException(where + ": expected a non-empty array of numbers");
        }
        float[] v = new float[node.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode x = node.get(i);
            if (!x.isNumber() || !Float.isFinite(x.floatValue())) {
                throw new MalformedPayloadException(where + "[" + i + "]: expected a finite number, got " + x);
            }
            v[i] = x.floatValue();
        }
        return v;
    }

    /** Rows of one width, as many as the request had texts. */
    static List<float[]> rows(List<float[]> rows, int expected, String where) throws MalformedPayloadException {
        if (rows.size() != expected) {
            throw new MalformedPayloadException(where + ": " + rows.size() + " embeddings for " + expected + " inputs");
        }
        for (float[] row : rows) {
            if (row.length != rows.get(0).length) {
                throw new MalformedPayloadException(where + ": embeddings of different widths (" + rows.get(0).length
                        + " and " + row.length + ")");
            }
        }
        return rows;
    }

    static List<String> texts(JsonNode array, String where) throws MalformedPayloadException {
        if (array == null || !array.isArray() || array.isEmpty()) {
            throw new MalformedPayloadException(where + ": expected a non-empty array of strings");
        }
        List<String> texts = new ArrayList<>(array.size());
        for (JsonNode t : array) {
            if (!t.isTextual()) {
                throw new MalformedPayloadException(where + ": expected strings, got " + t.getNodeType());
            }
            texts.add(t.asText());
        }
        return texts;
    }

    static ArrayNode array(float[] v) {
        ArrayNode a = JSON.createArrayNode();
        for (float x : v) {
            a.add(x);
        }
        return a;
    }
}
