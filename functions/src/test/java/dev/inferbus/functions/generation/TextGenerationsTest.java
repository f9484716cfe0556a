package dev.inferbus.functions.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.events.catalog.InputLimits;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.functions.runtime.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextGenerationsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final InputLimits LIMITS = new InputLimits(64 * 1024, 1024 * 1024, 40, InputLimits.DEFAULT_MAX_TENSOR_ELEMENTS, 32);

    @Test
    void readsAChatWithItsParametersAndFillsTheCatalogCapWhenNoneIsAsked() throws Exception {
        GenerationRequest chat = TextGenerations.request(JSON.readTree("""
                {"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello"}],
                 "parameters":{"maxNewTokens":8,"temperature":0,"topP":0.5,"stop":["."],"seed":7}}"""), "/detail/input", LIMITS);
        assertThat(chat.messages()).containsExactly(new Message(Role.SYSTEM, "be brief"), new Message(Role.USER, "hello"));
        assertThat(chat.parameters()).isEqualTo(new Parameters(8, 0, 0.5, java.util.List.of("."), 7L));

        GenerationRequest prompt = TextGenerations.request(JSON.readTree("{\"prompt\":\"once upon\"}"), "/detail/input", LIMITS);
        assertThat(prompt.parameters().maxNewTokens()).isEqualTo(32);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            both                | {"prompt":"a","messages":[{"role":"user","content":"b"}]}   | INVALID_INPUT   | /detail/input: give exactly one of prompt (a text to continue) or messages (a chat), not both
            neither             | {"parameters":{}}                                          | INVALID_INPUT   | /detail/input: give exactly one of prompt (a text to continue) or messages (a chat), got neither
            unknown field       | {"prompt":"a","max_tokens":3}                              | INVALID_INPUT   | /detail/input/max_tokens: unexpected field
            bad role            | {"messages":[{"role":"tool","content":"b"}]}               | INVALID_INPUT   | /detail/input/messages/0/role: expected one of system, user, assistant
            assistant last      | {"messages":[{"role":"user","content":"b"},{"role":"assistant","content":"c"}]} | INVALID_INPUT | /detail/input/messages/1/role: the last message is the assistant's
            empty messages      | {"messages":[]}                                            | INVALID_INPUT   | /detail/input/messages: expected a non-empty array
            prompt too long     | {"prompt":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}   | INPUT_TOO_LARGE | /detail/input/prompt: at most 40 characters, got 44
            chat too long       | {"messages":[{"role":"user","content":"aaaaaaaaaaaaaaaaaaaaaaaaa"},{"role":"user","content":"aaaaaaaaaaaaaaaaaaaa"}]} | INPUT_TOO_LARGE | /detail/input/messages: at most 40 characters, got 45
            over the token cap  | {"prompt":"a","parameters":{"maxNewTokens":33}}            | INPUT_TOO_LARGE | /detail/input/parameters/maxNewTokens: at most 32 for this model, got 33
            zero tokens         | {"prompt":"a","parameters":{"maxNewTokens":0}}             | INVALID_INPUT   | /detail/input/parameters/maxNewTokens: expected a whole number >= 1
            negative temperature| {"prompt":"a","parameters":{"temperature":-0.1}}           | INVALID_INPUT   | /detail/input/parameters/temperature: must be >= 0
            top p zero          | {"prompt":"a","parameters":{"topP":0}}                     | INVALID_INPUT   | /detail/input/parameters/topP: must be in (0, 1]
            top p over one      | {"prompt":"a","parameters":{"topP":1.5}}                   | INVALID_INPUT   | /detail/input/parameters/topP: must be in (0, 1]
            five stops          | {"prompt":"a","parameters":{"stop":["a","b","c","d","e"]}} | INVALID_INPUT   | /detail/input/parameters/stop: expected an array of at most 4 strings, got 5 of them
            empty stop          | {"prompt":"a","parameters":{"stop":[""]}}                  | INVALID_INPUT   | /detail/input/parameters/stop/0: expected a non-empty string
            fractional seed     | {"prompt":"a","parameters":{"seed":1.5}}                   | INVALID_INPUT   | /detail/input/parameters/seed: expected a whole number >= 0
            unknown parameter   | {"prompt":"a","parameters":{"top_k":5}}                    | INVALID_INPUT   | /detail/input/parameters/top_k: unexpected field
            """)
    void refusesNamingTheField(String why, String input, ErrorCode code, String message) {
        assertThatThrownBy(() -> TextGenerations.request(JSON.readTree(input), "/detail/input", LIMITS))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageStartingWith(message);
    }
}
