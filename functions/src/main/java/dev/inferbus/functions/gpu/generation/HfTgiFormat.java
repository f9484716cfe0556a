package dev.inferbus.functions.gpu.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.functions.generation.FinishReason;
import dev.inferbus.functions.generation.Generation;
import dev.inferbus.functions.generation.GenerationRequest;
import dev.inferbus.functions.generation.Parameters;
import dev.inferbus.functions.gpu.MalformedPayloadException;
import dev.inferbus.functions.gpu.WireFormat;
import dev.inferbus.functions.runtime.InvalidInputException;
import java.util.Map;
import java.util.Optional;

/**
 * Hugging Face text-generation-inference, as its SageMaker image serves {@code /invocations}:
 * {@code {"inputs", "parameters", "stream"}} → {@code [{"generated_text", "details"}]}, or with {@code stream}
 * server-sent events, one per token, {@code {"index", "token":{"id","text","logprob","special"},
 * "generated_text", "details"}}, the last with {@code generated_text} and {@code details:{"finish_reason",
 * "generated_tokens", "seed", "input_length"}} (huggingface/text-generation-inference, {@code router/src/lib.rs}:
 * GenerateParameters, GenerateResponse, Details, StreamResponse, StreamDetails; FinishReason serialized
 * {@code length | eos_token | stop_sequence}).
 *
 * <p>Prompt tokens: a stream's {@code details.input_length}; a whole response has no such field, so the request
 * asks {@code decoder_input_details} and the count is {@code details.prefill}'s length (TGI refuses
 * {@code decoder_input_details} with {@code stream}). TGI samples only with {@code do_sample}, refuses
 * {@code temperature} 0 ("temperature must be strictly positive") and {@code top_p} 1 ("top_p must be > 0.0 and
 * < 1.0"; {@code router/src/validation.rs}): greedy is {@code do_sample:false}, and a top_p of 1 is left out.
 *
 * <p>A chat ({@code messages}) is refused: {@code /invocations} generate requests take a prompt; TGI's Messages
 * API is its chat-completions route, which the {@code openai-chat} format speaks.
 */
public final class HfTgiFormat implements GenerationFormat {

    private static final ObjectMapper JSON = WireFormat.JSON;
    /** The stand-in container's max_new_tokens when a request gives none. */
    private static final int DEFAULT_MAX_NEW_TOKENS = 100;

    @Override
    public void check(GenerationRequest request, String inputPointer) throws InvalidInputException {
        if (request.chat()) {
            throw InvalidInputException.invalid(inputPointer + "/messages: this model's endpoint speaks hf-tgi, which"
                    + " generates from a prompt: send {prompt}, or serve the model on an openai-chat endpoint");
        }
    }

    @Override
    public byte[] request(GenerationRequest request, boolean stream) {
        ObjectNode body = JSON.createObjectNode().put("inputs", request.prompt());
        Parameters p = request.parameters();
        ObjectNode parameters = body.putObject("parameters").put("max_new_tokens", p.maxNewTokens()).put("do_sample", !p.greedy());
        if (!p.greedy()) {
            parameters.put("temperature", p.temperature());
            if (p.topP() < 1) {
                parameters.put("top_p", p.topP());
            }
        }
        GenerationFormat.putSampling(parameters, p);
        parameters.put("details", true);
        if (!stream) {
            parameters.put("decoder_input_details", true);
        }
        body.put("stream", stream);
        return WireFormat.write(body);
    }

    @Override
    public Generation response(byte[] body) throws MalformedPayloadException {
        JsonNode root = WireFormat.parse(body, "the hf-tgi response");
        JsonNode answer = root.isArray() && root.size() == 1 ? root.get(0) : root;
        if (!answer.isObject()) {
            throw new MalformedPayloadException("the hf-tgi response: expected [{generated_text, details}], got " + root.getNodeType());
        }
        String text = GenerationFormat.text(answer.get("generated_text"), "the hf-tgi response's generated_text");
        JsonNode details = answer.path("details");
        JsonNode prefill = details.path("prefill");
        return new Generation(text, finishReason(details.get("finish_reason")), prefill.isArray() ? prefill.size() : null,
                GenerationFormat.count(details.get("generated_tokens"), "the hf-tgi response's details.generated_tokens"));
    }

    @Override
    public StreamDecoder decoder() {
        return new StreamDecoder() {
            private Generation end;

            @Override
            public Optional<String> accept(String data) throws MalformedPayloadException, ContainerStreamError {
                JsonNode event = WireFormat.parse(data.getBytes(java.nio.charset.StandardCharsets.UTF_8), "an hf-tgi stream event");
                if (event.has("error")) {
                    throw new ContainerStreamError(event.path("error_type").asText("error") + ": " + event.get("error").asText());
                }
                JsonNode token = event.path("token");
                String text = token.path("special").asBoolean(false) ? "" : GenerationFormat.text(token.get("text"), "an hf-tgi stream event's token.text");
                JsonNode details = event.path("details");
                if (details.isObject()) {
                    JsonNode input = details.path("input_length");
                    end = new Generation(GenerationFormat.text(event.get("generated_text"), "the hf-tgi stream's generated_text"),
                            finishReason(details.get("finish_reason")), input.isIntegralNumber() ? input.asInt() : null,
                            GenerationFormat.count(details.get("generated_tokens"), "the hf-tgi stream's details.generated_tokens"));
                }
                return text.isEmpty() ? Optional.empty() : Optional.of(text);
            }

            @Override
            public Generation end() throws MalformedPayloadException {
                if (end == null) {
                    throw new MalformedPayloadException("the hf-tgi stream ended before its last token's details");
                }
                return end;
            }
        };
    }

    private static FinishReason finishReason(JsonNode node) throws MalformedPayloadException {
        return switch (GenerationFormat.text(node, "the hf-tgi details.finish_reason")) {
            case "length" -> FinishReason.LENGTH;
            case "eos_token", "stop_sequence" -> FinishReason.STOP;
            default -> throw new MalformedPayloadException("the hf-tgi details.finish_reason: expected length, eos_token or"
                    + " stop_sequence, got " + node.asText());
        };
    }

    @Override
    public ContainerCall readRequest(byte[] body) throws MalformedPayloadException {
        JsonNode request = WireFormat.parse(body, "the hf-tgi request");
        String inputs = GenerationFormat.text(request.get("inputs"), "the hf-tgi request's inputs");
        JsonNode p = request.path("parameters");
        Parameters parameters = GenerationFormat.parameters(p, "max_new_tokens", DEFAULT_MAX_NEW_TOKENS, "the hf-tgi request's parameters");
        if (!p.path("do_sample").asBoolean(false)) {
            parameters = new Parameters(parameters.maxNewTokens(), 0, 1, parameters.stop(), parameters.seed());
        }
        return new ContainerCall(new GenerationRequest(inputs, null, parameters), request.path("stream").asBoolean(false));
    }

    @Override
    public byte[] writeResponse(Generation generation) {
        ArrayNode body = JSON.createArrayNode();
        ObjectNode answer = body.addObject().put("generated_text", generation.text());
        ObjectNode details = details(answer.putObject("details"), generation);
        ArrayNode prefill = details.putArray("prefill");
        for (int i = 0; i < generation.promptTokens(); i++) {
            prefill.addObject().put("id", i).put("text", "").putNull("logprob");
        }
        return WireFormat.write(body);
    }

    @Override
    public String writeEvents(int index, String token, Generation end) {
        ObjectNode event = JSON.createObjectNode().put("index", index + 1);
        event.putObject("token").put("id", index).put("text", token).put("logprob", 0.0).put("special", false);
        if (end == null) {
            event.putNull("generated_text").putNull("details");
        } else {
            event.put("generated_text", end.text());
            details(event.putObject("details"), end).put("input_length", end.promptTokens());
        }
        return SseEvents.event(event.toString());
    }

    private static ObjectNode details(ObjectNode details, Generation g) {
        return details.put("finish_reason", g.finishReason() == FinishReason.LENGTH ? "length" : "eos_token")
                .put("generated_tokens", g.completionTokens()).putNull("seed");
    }

    /**
     * TGI answers a request it will not run with 422 (its validation errors, the context overflow among them) or
     * 413 (a body over its payload limit).
     */
    @Override
    public Map<Integer, ErrorCode> refusals() {
        return Map.of(413, ErrorCode.INPUT_TOO_LARGE, 422, ErrorCode.INVALID_INPUT);
    }

    /**
     * TGI's validation error: 422 with {@code {"error", "error_type":"validation"}}, worded as
     * {@code router/src/validation.rs}'s MaxTotalTokens ({@code router/src/server.rs} maps validation errors to 422).
     */
    @Override
    public ContainerRefusal overContext(int promptTokens, int maxNewTokens, int contextTokens) {
        return new ContainerRefusal(422, error("Input validation error: `inputs` tokens + `max_new_tokens` must be <= "
                + contextTokens + ". Given: " + promptTokens + " `inputs` tokens and " + maxNewTokens + " `max_new_tokens`", "validation"));
    }

    @Override
    public ContainerRefusal badRequest(String message) {
        return new ContainerRefusal(422, error(message, "validation"));
    }

    @Override
    public String streamError(String message) {
        return SseEvents.event(error(message, "generation"));
    }

    private static String error(String message, String type) {
        return JSON.createObjectNode().put("error", message).put("error_type", type).toString();
    }
}
