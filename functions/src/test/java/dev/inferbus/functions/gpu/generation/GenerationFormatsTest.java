package dev.inferbus.functions.gpu.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.functions.generation.FinishReason;
import dev.inferbus.functions.generation.Generation;
import dev.inferbus.functions.generation.GenerationRequest;
import dev.inferbus.functions.generation.Message;
import dev.inferbus.functions.generation.Parameters;
import dev.inferbus.functions.generation.Role;
import dev.inferbus.functions.gpu.MalformedPayloadException;
import dev.inferbus.functions.runtime.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each format's two faces against each other: what the forwarder writes the container reads, and back. */
class GenerationFormatsTest {

    static Stream<GenerationFormat> formats() {
        return Stream.of(new HfTgiFormat(), new OpenAiChatFormat());
    }

    private static final Parameters SAMPLED = new Parameters(12, 0.7, 0.9, List.of("\n\n"), 42L);
    private static final Parameters GREEDY = new Parameters(5, 0, 1, List.of(), null);
    private static final List<String> TOKENS = List.of("Once", " upon", " a", " tïme", " — ", "done");
    private static final Generation GENERATION = new Generation(String.join("", TOKENS), FinishReason.LENGTH, 9, TOKENS.size());

    @ParameterizedTest
    @MethodSource("formats")
    void theContainerReadsTheParametersTheForwarderSends(GenerationFormat format) throws Exception {
        for (Parameters p : List.of(SAMPLED, GREEDY)) {
            for (boolean stream : new boolean[] {true, false}) {
                ContainerCall call = format.readRequest(format.request(new GenerationRequest("Once", null, p), stream));
                assertThat(call.stream()).isEqualTo(stream);
                assertThat(call.request().parameters()).isEqualTo(p);
                assertThat(call.request().promptText()).contains("Once");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("formats")
    void aWholeResponseReadsBackWithItsUsage(GenerationFormat format) throws Exception {
        assertThat(format.response(format.writeResponse(GENERATION))).isEqualTo(GENERATION);
    }

    /** The SSE output cut into parts of 1..7 bytes: lines and a two-byte character split across parts. */
    @ParameterizedTest
    @MethodSource("formats")
    void aStreamCutAnywhereReadsBackTokenByToken(GenerationFormat format) throws Exception {
        StringBuilder sse = new StringBuilder();
        for (int i = 0; i < TOKENS.size(); i++) {
            sse.append(format.writeEvents(i, TOKENS.get(i), i == TOKENS.size() - 1 ? GENERATION : null));
        }
        byte[] bytes = sse.toString().getBytes(StandardCharsets.UTF_8);
        SseEvents events = new SseEvents();
        StreamDecoder decoder = format.decoder();
        List<String> tokens = new ArrayList<>();
        int cut = 0;
        for (int from = 0, size = 1; from < bytes.length; from += size, size = size % 7 + 1) {
            for (String data : events.accept(Arrays.copyOfRange(bytes, from, Math.min(from + size, bytes.length)))) {
                decoder.accept(data).ifPresent(tokens::add);
            }
            cut++;
        }
        for (String data : events.finish()) {
            decoder.accept(data).ifPresent(tokens::add);
        }
        assertThat(cut).isGreaterThan(TOKENS.size() * 4);
        assertThat(tokens).isEqualTo(TOKENS);
        assertThat(decoder.end()).isEqualTo(GENERATION);
    }

    @ParameterizedTest
    @MethodSource("formats")
    void anErrorWrittenIntoTheStreamIsTheContainers(GenerationFormat format) throws Exception {
        SseEvents events = new SseEvents();
        StreamDecoder decoder = format.decoder();
        List<String> data = events.accept((format.writeEvents(0, "Once", null) + format.streamError("CUDA out of memory"))
                .getBytes(StandardCharsets.UTF_8));
        assertThat(decoder.accept(data.get(0))).contains("Once");
        assertThatThrownBy(() -> decoder.accept(data.get(data.size() - 1)))
                .isInstanceOf(StreamDecoder.ContainerStreamError.class).hasMessageContaining("CUDA out of memory");
    }

    /** The forwarder reads the container's refusals as the request's own mistake, whichever container it is. */
    @ParameterizedTest
    @MethodSource("formats")
    void theContainersRefusalsAreTheRequestsInvalidInput(GenerationFormat format) {
        assertThat(format.refusals().get(format.overContext(1900, 256, 2048).status())).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(format.refusals().get(format.badRequest("unreadable").status())).isEqualTo(ErrorCode.INVALID_INPUT);
    }

    @ParameterizedTest
    @MethodSource("formats")
    void aStreamCutShortIsRefused(GenerationFormat format) throws Exception {
        StreamDecoder decoder = format.decoder();
        for (String data : new SseEvents().accept(format.writeEvents(0, "Once", null).getBytes(StandardCharsets.UTF_8))) {
            decoder.accept(data);
        }
        assertThatThrownBy(decoder::end).isInstanceOf(MalformedPayloadException.class).hasMessageContaining("ended");
    }

    @Test
    void tgiSamplesOnlyWithDoSampleAndNeverSendsTopPOne() {
        String greedy = new String(new HfTgiFormat().request(new GenerationRequest("x", null, GREEDY), true), StandardCharsets.UTF_8);
        assertThat(greedy).contains("\"do_sample\":false").doesNotContain("temperature").doesNotContain("top_p")
                .doesNotContain("decoder_input_details");
        String whole = new String(new HfTgiFormat().request(new GenerationRequest("x", null, SAMPLED), false), StandardCharsets.UTF_8);
        assertThat(whole).contains("\"do_sample\":true", "\"temperature\":0.7", "\"top_p\":0.9", "\"decoder_input_details\":true");
    }

    @Test
    void tgiRefusesAChatAndOpenAiSendsAPromptAsTheUsersMessage() throws Exception {
        GenerationRequest chat = new GenerationRequest(null, List.of(new Message(Role.USER, "hi")), GREEDY);
        assertThatThrownBy(() -> new HfTgiFormat().check(chat, "/detail/input")).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("/detail/input/messages: this model's endpoint speaks hf-tgi");
        OpenAiChatFormat openAi = new OpenAiChatFormat();
        ContainerCall call = openAi.readRequest(openAi.request(new GenerationRequest("hi", null, GREEDY), true));
        assertThat(call.request().messages()).containsExactly(new Message(Role.USER, "hi"));
        assertThat(new String(openAi.request(chat, true), StandardCharsets.UTF_8)).contains("\"stream_options\":{\"include_usage\":true}");
    }
}
