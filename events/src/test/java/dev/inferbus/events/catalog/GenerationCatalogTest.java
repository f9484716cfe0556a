package dev.inferbus.events.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GenerationCatalogTest {

    @Test
    void aGenerationModelGetsOneRequestPerCallTheContainerImageOfItsFormatAndItsTokenCap() {
        ModelCatalog catalog = CatalogLoader.parse("""
                bus: b
                models:
                  - id: chat
                    task: text-generation
                    tier: gpu
                    trigger: sqs
                    limits: {maxNewTokens: 64}
                    endpoint: {name: chat, mode: realtime, format: openai-chat, localArtifact: models/text-generator/1/model.json}
                  - id: story
                    task: text-generation
                    tier: gpu
                    trigger: sqs
                    endpoint: {name: story, mode: async, format: hf-tgi}
                """, "test");

        ModelSpec chat = catalog.find("chat").orElseThrow();
        assertThat(chat.endpoint().maxRequestBatch()).isEqualTo(1);
        assertThat(chat.limits().maxNewTokens()).isEqualTo(64);
        assertThat(catalog.find("story").orElseThrow().limits().maxNewTokens()).isEqualTo(InputLimits.DEFAULT_MAX_NEW_TOKENS);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            generation on cpu     | {id: a, task: text-generation, tier: cpu, trigger: sqs, artifact: a.onnx} | models[0] (a): a text-generation model is served by a SageMaker endpoint: 'tier' must be gpu, got cpu
            embedding format      | {id: a, task: text-generation, tier: gpu, trigger: sqs, endpoint: {name: e, mode: realtime, format: hf-tei}} | models[0] (a): endpoint.format 'hf-tei' does not carry text-generation (use hf-tgi or openai-chat)
            generation format     | {id: a, task: text-embedding, tier: gpu, trigger: sqs, endpoint: {name: e, mode: realtime, format: hf-tgi}} | models[0] (a): endpoint.format 'hf-tgi' does not carry text-embedding (hf-tgi and openai-chat are for text-generation)
            batched generations   | {id: a, task: text-generation, tier: gpu, trigger: sqs, endpoint: {name: e, mode: realtime, format: hf-tgi, maxRequestBatch: 4}} | models[0] (a): endpoint.maxRequestBatch must be 1 for a hf-tgi endpoint (one generation per call), got 4
            onnx stand-in         | {id: a, task: text-generation, tier: gpu, trigger: sqs, endpoint: {name: e, mode: realtime, format: openai-chat, localArtifact: m.onnx}} | models[0] (a): endpoint.localArtifact must name a text generator's .json for a openai-chat endpoint, got m.onnx
            token cap zero        | {id: a, task: text-generation, tier: gpu, trigger: sqs, limits: {maxNewTokens: 0}, endpoint: {name: e, mode: realtime, format: hf-tgi}} | models[0] (a): limits.maxNewTokens must be 1..8192, got 0
            token cap too high    | {id: a, task: text-generation, tier: gpu, trigger: sqs, limits: {maxNewTokens: 9000}, endpoint: {name: e, mode: realtime, format: hf-tgi}} | models[0] (a): limits.maxNewTokens must be 1..8192, got 9000
            """)
    void refusesAGenerationEntryThatCannotServe(String why, String model, String expected) {
        assertThatThrownBy(() -> CatalogLoader.parse("bus: b\nmodels:\n  - " + model + "\n", "test"))
                .isInstanceOf(CatalogException.class).hasMessageContaining("test: " + expected);
    }
}
