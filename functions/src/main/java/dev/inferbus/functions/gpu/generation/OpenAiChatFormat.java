package dev.inferbus.functions.gpu.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.functions.generation.FinishReason;
import dev.inferbus.functions.generation.Generation;
import dev.inferbus.functions.generation.GenerationRequest;
import dev.inferbus.functions.generation.Message;
import dev.inferbus.functions.generation.Parameters;
import dev.inferbus.functions.generation.Role;
import dev.inferbus.functions.gpu.MalformedPayloadException;
import dev.inferbus.functions.gpu.WireFormat;
import dev.inferbus.functions.runtime.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenAI chat-completions body, which the LMI (DJL Serving) and vLLM containers take on SageMaker's
 * {@code /invocations} when it holds {@code messages}: {@code {"messages":[{"role","content"}], "max_tokens",
 * "temperature", "top_p", "stop", "seed", "stream", "stream_options":{"include_usage"}}} → {@code {"object":
 * "chat.completion", "choices":[{"message":{"role","content"}, "finish_reason"}], "usage":{"prompt_tokens",
 * "completion_tokens", "total_tokens"}}}; streamed, {@code chat.completion.chunk} events with
 * {@code choices[0].delta.content}, the last choice's {@code finish_reason} ({@code stop | length}), then — asked
 * by {@code include_usage} — a chunk with empty {@code choices} and the {@code usage}, then {@code data: [DONE]}
 * (OpenAI API reference, "Chat Completions" and "The chat completion chunk object"; vLLM "OpenAI-Compatible
 * Server"; LMI "Chat Completions API Schema").
 *
 * <p>A bare prompt is sent as the user's one message: these containers apply the model's chat template to any
 * request with {@code messages}.
 */
public final class OpenAiChatFormat implements GenerationFormat {

    private static final ObjectMapper JSON = WireFormat.JSON;
    /** The stand-in container's max_tokens when a request gives none. */
    private static final int DEFAULT_MAX_TOKENS = 100;
    private static final String DONE = "[DONE]";

    @Override
    public void check(GenerationRequest request, String inputPointer) {
    }

    @Override
    public byte[] request(GenerationRequest request, boolean stream) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode messages = body.putArray("messages");
        List<Message> chat = request.chat() ? request.messages() : List.of(new Message(Role.USER, request.prompt()));
        chat.forEach(m -> messages.addObject().put("role", m.role().wireName()).put("content", m.content()));
        Parameters p = request.parameters();
        body.put("max_tokens", p.maxNewTokens()).put("temperature", p.temperature()).put("top_p", p.topP());
        GenerationFormat.putSampling(body, p);
        body.put("stream", stream);
        if (stream) {
            body.putObject("stream_options").put("include_usage", true);
        }
        return WireFormat.write(body);
    }

    @Override
    public Generation response(byte[] body) throws MalformedPayloadException {
        JsonNode root = WireFormat.parse(body, "the openai-chat response");
        JsonNode choice = root.path("choices").path(0);
        String text = GenerationFormat.text(choice.path("message").get("content"), "the openai-chat response's choices[0].message.content");
        JsonNode usage = root.path("usage");
        return new Generation(text, finishReason(choice.get("finish_reason")),
                GenerationFormat.count(usage.get("prompt_tokens"), "the openai-chat response's usage.prompt_tokens"),
                GenerationFormat.count(usage.get("completion_tokens"), "the openai-chat response's usage.completion_tokens"));
    }

    @Override
    public StreamDecoder decoder() {
        return new StreamDecoder() {
            private final StringBuilder text = new StringBuilder();
            private FinishReason finish;
            private JsonNode usage;
            private boolean done;

            @Override
            public Optional<String> accept(String data) throws MalformedPayloadException, ContainerStreamError {
                if (data.equals(DONE)) {
                    done = true;
                    return Optional.empty();
                }
                JsonNode chunk = WireFormat.parse(data.getBytes(StandardCharsets.UTF_8), "an openai-chat stream chunk");
                // vLLM writes {"error": {...}} into a stream that fails after its 200; some servers the error object itself
                JsonNode error = chunk.has("error") ? chunk.get("error") : "error".equals(chunk.path("object").asText()) ? chunk : null;
                if (error != null) {
                    throw new ContainerStreamError(error.isTextual() ? error.asText() : error.path("message").asText(error.toString()));
                }
                if (chunk.path("usage").isObject()) {
                    usage = chunk.get("usage");
                }
                JsonNode choice = chunk.path("choices").path(0);
                JsonNode reason = choice.path("finish_reason");
                if (reason.isTextual()) {
                    finish = finishReason(reason);
                }
                JsonNode content = choice.path("delta").path("content");
                if (content.isTextual() && !content.asText().isEmpty()) {
                    text.append(content.asText());
                    return Optional.of(content.asText());
                }
                return Optional.empty();
            }

            @Override
            public Generation end() throws MalformedPayloadException {
                if (!done || finish == null || usage == null) {
                    throw new MalformedPayloadException("the openai-chat stream ended without its " + (finish == null ? "finish_reason"
                            : usage == null ? "usage chunk (stream_options.include_usage)" : "data: [DONE]"));
                }
                return new Generation(text.toString(), finish,
                        GenerationFormat.count(usage.get("prompt_tokens"), "the openai-chat stream's usage.prompt_tokens"),
                        GenerationFormat.count(usage.get("completion_tokens"), "the openai-chat stream's usage.completion_tokens"));
            }
        };
    }

    private static FinishReason finishReason(JsonNode node) throws MalformedPayloadException {
        return switch (GenerationFormat.text(node, "the openai-chat finish_reason")) {
            case "length" -> FinishReason.LENGTH;
            case "stop" -> FinishReason.STOP;
            default -> throw new MalformedPayloadException("the openai-chat finish_reason: expected stop or length, got " + node.asText());
        };
    }

    @Override
    public ContainerCall readRequest(byte[] body) throws MalformedPayloadException {
        JsonNode request = WireFormat.parse(body, "the openai-chat request");
        JsonNode messages = request.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw new MalformedPayloadException("the openai-chat request's messages: expected a non-empty array");
        }
        List<Message> chat = new ArrayList<>();
        for (JsonNode m : messages) {
            Role role = Role.of(m.path("role").asText()).orElseThrow(() -> new MalformedPayloadException(
                    "the openai-chat request's messages[].role: expected system, user or assistant, got " + m.path("role")));
            chat.add(new Message(role, GenerationFormat.text(m.get("content"), "the openai-chat request's messages[].content")));
        }
        Parameters parameters = GenerationFormat.parameters(request, "max_tokens", DEFAULT_MAX_TOKENS, "the openai-chat request");
        return new ContainerCall(new GenerationRequest(null, chat, parameters), request.path("stream").asBoolean(false));
    }

    @Override
    public byte[] writeResponse(Generation generation) {
        ObjectNode body = JSON.createObjectNode().put("id", "chatcmpl-local").put("object", "chat.completion").put("model", "local");
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", generation.text());
        choice.put("finish_reason", generation.finishReason().wireName());
        usage(body, generation);
        return WireFormat.write(body);
    }

    @Override
    public String writeEvents(int index, String token, Generation end) {
        StringBuilder events = new StringBuilder();
        ObjectNode chunk = chunk();
        ObjectNode delta = chunk.withArray("choices").addObject().put("index", 0).putObject("delta");
        if (index == 0) {
            delta.put("role", "assistant");
        }
        delta.put("content", token);
        ((ObjectNode) chunk.get("choices").get(0)).putNull("finish_reason");
        events.append(SseEvents.event(chunk.toString()));
        if (end != null) {
            ObjectNode last = chunk();
            last.withArray("choices").addObject().put("index", 0).put("finish_reason", end.finishReason().wireName()).putObject("delta");
            events.append(SseEvents.event(last.toString()));
            ObjectNode usage = chunk();
            usage.putArray("choices");
            usage(usage, end);
            events.append(SseEvents.event(usage.toString())).append(SseEvents.event(DONE));
        }
        return events.toString();
    }

    private static ObjectNode chunk() {
        return JSON.createObjectNode().put("id", "chatcmpl-local").put("object", "chat.completion.chunk").put("model", "local");
    }

    private static void usage(ObjectNode body, Generation g) {
        body.putObject("usage").put("prompt_tokens", g.promptTokens()).put("completion_tokens", g.completionTokens())
                .put("total_tokens", g.promptTokens() + g.completionTokens());
    }

    /** vLLM's OpenAI server answers a request it will not run, the context overflow among them, with 400. */
    @Override
    public Map<Integer, ErrorCode> refusals() {
        return Map.of(400, ErrorCode.INVALID_INPUT);
    }

    /** vLLM's refusal of a request over the model's context: 400, an error object with its wording. */
    @Override
    public ContainerRefusal overContext(int promptTokens, int maxNewTokens, int contextTokens) {
        return badRequest("This model's maximum context length is " + contextTokens + " tokens. However, you requested "
                + (promptTokens + maxNewTokens) + " tokens (" + promptTokens + " in the messages, " + maxNewTokens
                + " in the completion). Please reduce the length of the messages or completion.");
    }

    @Override
    public ContainerRefusal badRequest(String message) {
        return new ContainerRefusal(400, error(message).toString());
    }

    @Override
    public String streamError(String message) {
        return SseEvents.event(JSON.createObjectNode().set("error", error(message)).toString());
    }

    private static ObjectNode error(String message) {
        ObjectNode error = JSON.createObjectNode().put("object", "error").put("message", message).put("type", "BadRequestError");
        error.putNull("param");
        return error.put("code", 400);
    }
}
