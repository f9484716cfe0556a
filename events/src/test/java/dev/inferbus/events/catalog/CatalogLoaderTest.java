package dev.inferbus.events.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CatalogLoaderTest {

    static final Path SAMPLE_CATALOG = Path.of("../samples/catalog.yaml");

    @Test
    void loadsTheSampleCatalogWithDefaults() {
        ModelCatalog catalog = CatalogLoader.load(SAMPLE_CATALOG);

        assertThat(catalog.bus()).isEqualTo("inferbus");
        assertThat(catalog.ids()).containsExactly("fraud-scorer", "sentence-embedder", "sensor-anomaly",
                "document-embedder", "archive-embedder", "fraud-scorer-raw", "sensor-anomaly-raw", "sentence-embedder-raw",
                "chat-assistant", "story-writer");
        ModelSpec embedder = catalog.find("sentence-embedder").orElseThrow();
        assertThat(embedder.task()).isEqualTo(Task.TEXT_EMBEDDING);
        assertThat(embedder.batch()).isEqualTo(new BatchSpec(100, 1, 1));
        assertThat(embedder.limits().maxTextChars()).isEqualTo(4000);
        assertThat(embedder.limits().maxInlineInputBytes()).isEqualTo(InputLimits.DEFAULT.maxInlineInputBytes());
        assertThat(embedder.version()).isEqualTo("1");
        assertThat(embedder.artifactFolder()).isEqualTo("models/sentence-embedder/1");
        ModelSpec gpu = catalog.find("archive-embedder").orElseThrow();
        assertThat(gpu.endpoint().mode()).isEqualTo(EndpointSpec.Mode.ASYNC);
        assertThat(gpu.endpoint().format()).isEqualTo(EndpointSpec.Format.HF_TEI);
        assertThat(gpu.endpoint().maxConcurrency()).isEqualTo(2);
        assertThat(gpu.endpoint().maxRequestBatch()).isEqualTo(1);
        assertThat(catalog.find("sensor-anomaly").orElseThrow().shards()).isEqualTo(2);
        assertThat(catalog.find("fraud-scorer").orElseThrow().batch().size()).isEqualTo(1);
        ModelSpec raw = catalog.find("sentence-embedder-raw").orElseThrow();
        assertThat(raw.task()).isEqualTo(Task.TENSOR);
        assertThat(raw.endpoint().format()).isEqualTo(EndpointSpec.Format.KSERVE_V2);
        assertThat(raw.limits().maxTensorElements()).isEqualTo(InputLimits.DEFAULT.maxTensorElements());
    }

    @Test
    void readsTheTensorElementLimit() {
        ModelCatalog catalog = CatalogLoader.parse("""
                bus: inferbus
                models:
                  - {id: a, task: tensor, tier: cpu, trigger: sqs, artifact: a.onnx, limits: {maxTensorElements: 4096}}
                """, "c.yaml");

        assertThat(catalog.find("a").orElseThrow().limits().maxTensorElements()).isEqualTo(4096);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            duplicate id        | - {id: a, task: text-embedding, tier: cpu, trigger: sqs, artifact: a.onnx}\\n  - {id: a, task: text-embedding, tier: cpu, trigger: sqs, artifact: b.onnx} | models[1] (a): duplicate id 'a'
            unknown task        | - {id: a, task: translation, tier: cpu, trigger: sqs, artifact: a.onnx} | models[0] (a): unknown task 'translation' (known: text-embedding, tabular-classification, anomaly-detection, tensor, text-generation)
            gpu no endpoint     | - {id: a, task: text-embedding, tier: gpu, trigger: sqs} | models[0] (a): a gpu model needs an 'endpoint'
            cpu no artifact     | - {id: a, task: text-embedding, tier: cpu, trigger: sqs} | models[0] (a): a cpu model needs an 'artifact'
            kinesis on gpu      | - {id: a, task: text-embedding, tier: gpu, trigger: kinesis, endpoint: {name: e, mode: realtime}} | models[0] (a): a gpu model is forwarded from an SQS queue: 'trigger' must be sqs, got kinesis
            endpoint on cpu     | - {id: a, task: text-embedding, tier: cpu, trigger: sqs, artifact: a.onnx, endpoint: {name: e, mode: realtime}} | models[0] (a): 'endpoint' is for gpu models
            unknown key         | - {id: a, task: text-embedding, tier: cpu, trigger: sqs, artifact: a.onnx, tigger: x} | models[0].tigger: Unrecognized field "tigger"
            bad id              | - {id: Fraud_Scorer, task: text-embedding, tier: cpu, trigger: sqs, artifact: a.onnx} | models[0] (Fraud_Scorer): 'id' must match
            concurrency 1       | - {id: a, task: text-embedding, tier: gpu, trigger: sqs, endpoint: {name: e, mode: realtime, maxConcurrency: 1}} | models[0] (a): endpoint.maxConcurrency must be 2..1000, got 1
            unknown format      | - {id: a, task: text-embedding, tier: gpu, trigger: sqs, endpoint: {name: e, mode: realtime, format: grpc}} | models[0] (a): unknown endpoint.format 'grpc' (known: inferbus-json, hf-tei, kserve-v2, hf-tgi, openai-chat)
            big sqs no window   | - {id: a, task: text-embedding, tier: cpu, trigger: sqs, artifact: a.onnx, batch: {size: 50}} | models[0] (a): an SQS batch.size over 10 needs batch.windowSeconds >= 1
            batch on direct     | - {id: a, task: text-embedding, tier: cpu, trigger: eventbridge, artifact: a.onnx, batch: {size: 5}} | models[0] (a): 'batch' does not apply to an eventbridge trigger
            shards on sqs       | - {id: a, task: text-embedding, tier: cpu, trigger: sqs, artifact: a.onnx, shards: 2} | models[0] (a): 'shards' applies to kinesis-triggered models only
            tabular on gpu      | - {id: a, task: tabular-classification, tier: gpu, trigger: sqs, endpoint: {name: e, mode: realtime}} | models[0] (a): the gpu tier forwards text-embedding, tensor and text-generation models; a tabular-classification model runs on the cpu tier
            tensor on hf-tei    | - {id: a, task: tensor, tier: gpu, trigger: sqs, endpoint: {name: e, mode: realtime, format: hf-tei, maxRequestBatch: 1}} | models[0] (a): a tensor model's endpoint.format must be kserve-v2 (the KServe v2 inference protocol of Triton), got hf-tei
            tensor async        | - {id: a, task: tensor, tier: gpu, trigger: sqs, endpoint: {name: e, mode: async, format: kserve-v2, existing: true}} | models[0] (a): a tensor model's endpoint.mode must be realtime
            tensor batched call | - {id: a, task: tensor, tier: gpu, trigger: sqs, endpoint: {name: e, mode: realtime, format: kserve-v2, existing: true}} | models[0] (a): a tensor model's endpoint.maxRequestBatch must be 1 (one request's tensors per call), got 16
            zero tensor limit   | - {id: a, task: tensor, tier: cpu, trigger: sqs, artifact: a.onnx, limits: {maxTensorElements: 0}} | models[0] (a): limits.maxTensorElements must be positive
            batched async       | - {id: a, task: text-embedding, tier: gpu, trigger: sqs, endpoint: {name: e, mode: async, maxRequestBatch: 8}} | models[0] (a): endpoint.maxRequestBatch must be 1 for an async endpoint (one request per invocation), got 8
            kserve no image     | - {id: a, task: text-embedding, tier: gpu, trigger: sqs, endpoint: {name: e, mode: realtime, format: kserve-v2}} | models[0] (a): endpoint.container.image is required to create a kserve-v2 endpoint
            model data not s3   | - {id: a, task: text-embedding, tier: gpu, trigger: sqs, endpoint: {name: e, mode: realtime, format: hf-tei, container: {modelData: /tmp/m.tar.gz}}} | models[0] (a): endpoint.container.modelData must be an s3:// URI, got /tmp/m.tar.gz
            truncate on kserve  | - {id: a, task: text-embedding, tier: gpu, trigger: sqs, endpoint: {name: e, mode: realtime, format: kserve-v2, existing: true, truncate: false}} | models[0] (a): endpoint.truncate is the switch of hf-tei (text-embeddings-inference); a kserve-v2 container has none
            shared endpoint     | - {id: a, task: text-embedding, tier: gpu, trigger: sqs, endpoint: {name: e, mode: realtime, format: hf-tei}}\\n  - {id: b, task: text-embedding, tier: gpu, trigger: sqs, endpoint: {name: e, mode: async, format: hf-tei}} | models[1] (b): endpoint 'e' already serves another model
            gpu id complete     | - {id: complete, task: text-embedding, tier: gpu, trigger: sqs, endpoint: {name: e, mode: realtime, format: hf-tei}} | models[0] (complete): 'id' complete is taken on the gpu tier: its route's function would be named gpu-complete, the asynchronous endpoints' completion function
            """)
    void refusesAnInconsistentEntryNamingFileAndEntry(String why, String models, String expected) {
        String yaml = "bus: inferbus\nmodels:\n  " + models.replace("\\n", "\n");

        assertThatThrownBy(() -> CatalogLoader.parse(yaml, "test.yaml"))
                .as(why)
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("test.yaml: " + expected);
    }

    @Test
    void teiTruncatesOverLongTextsUnlessTheCatalogSaysNot() {
        ModelCatalog catalog = CatalogLoader.parse("""
                bus: inferbus
                models:
                  - {id: a, task: text-embedding, tier: gpu, trigger: sqs, endpoint: {name: e, mode: realtime, format: hf-tei, truncate: false}}
                  - {id: b, task: text-embedding, tier: gpu, trigger: sqs, endpoint: {name: f, mode: realtime, format: hf-tei}}
                """, "t.yaml");

        assertThat(catalog.find("a").orElseThrow().endpoint().truncate()).isFalse();
        assertThat(catalog.find("b").orElseThrow().endpoint().truncate()).isTrue();
        assertThat(CatalogLoader.load(SAMPLE_CATALOG).find("document-embedder").orElseThrow().endpoint().truncate()).isTrue();
    }

    @Test
    void refusesAnEmptyOrBrokenCatalog() {
        assertThatThrownBy(() -> CatalogLoader.parse("bus: inferbus\nmodels: []\n", "c.yaml"))
                .hasMessage("c.yaml: 'models' must list at least one model");
        assertThatThrownBy(() -> CatalogLoader.parse("bus: [\n", "c.yaml")).hasMessageStartingWith("c.yaml: ");
        assertThatThrownBy(() -> CatalogLoader.load(Path.of("no-such-catalog.yaml")))
                .hasMessageStartingWith("no-such-catalog.yaml: cannot read the catalog");
    }
}
