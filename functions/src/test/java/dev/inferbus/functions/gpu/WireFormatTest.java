package dev.inferbus.functions.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inferbus.events.catalog.EndpointSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class WireFormatTest {

    private static final List<String> TEXTS = List.of("first text", "zweiter Text — ünïcödé", "{\"not\": \"json\"}");
    private static final List<float[]> EMBEDDINGS = List.of(new float[] {0.25f, -1f}, new float[] {1e-7f, 3.5f}, new float[] {0f, 0f});

    @ParameterizedTest
    @EnumSource(value = EndpointSpec.Format.class, names = {"HF_TGI", "OPENAI_CHAT"}, mode = EnumSource.Mode.EXCLUDE)
    void whatTheForwarderWritesTheContainerReadsAndBack(EndpointSpec.Format format) throws Exception {
        WireFormat wire = of(format);

        assertThat(wire.readRequest(wire.request(TEXTS)).texts()).isEqualTo(TEXTS);
        List<float[]> back = wire.response(wire.writeResponse(EMBEDDINGS), EMBEDDINGS.size());
        assertThat(back).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(back.get(i)).containsExactly(EMBEDDINGS.get(i));
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            HF_TEI        | [[0.1,0.2]]                                   | 1 embeddings for 2 inputs
            HF_TEI        | {"embeddings":[[1]]}                          | expected an array of embeddings
            HF_TEI        | [[0.1,"x"],[0.2,0.3]]                          | [1]: expected a finite number
            HF_TEI        | [[0.1,0.2],[0.3]]                              | embeddings of different widths
            HF_TEI        | [[0.1,0.2],[0.3,                               | is not JSON
            INFERBUS_JSON | {"predictions":[{"embedding":[1]},{"vec":[1]}]} | predictions[1].embedding: expected a non-empty array
            INFERBUS_JSON | []                                            | expected {"predictions":[…]}
            KSERVE_V2     | {"outputs":[{"name":"embedding","datatype":"FP32","shape":[2,2],"data":[1,2,3]}]} | does not hold 3 values
            KSERVE_V2     | {"outputs":[{"name":"logits","datatype":"FP32","shape":[2,1],"data":[1,2]}]}      | no tensor named 'embedding'
            KSERVE_V2     | {"outputs":[{"name":"embedding","datatype":"INT8","shape":[2,1],"data":[1,2]}]}   | must be FP32
            """)
    void refusesAResponseItCannotMapBackToTwoRequests(EndpointSpec.Format format, String body, String reason) {
        assertThatThrownBy(() -> of(format).response(body.getBytes(StandardCharsets.UTF_8), 2))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessageContaining(reason);
    }

    @ParameterizedTest(name = "truncate {0}")
    @ValueSource(booleans = {true, false})
    void teiCarriesTheCatalogsTruncateSwitchToTheContainer(boolean truncate) throws Exception {
        WireFormat tei = WireFormat.of(EndpointSpec.builder("e", EndpointSpec.Mode.REALTIME, EndpointSpec.Format.HF_TEI)
                .truncate(truncate).build());

        assertThat(tei.readRequest(tei.request(TEXTS))).isEqualTo(new WireFormat.ContainerRequest(TEXTS, truncate));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            HF_TEI        | {"inputs":"one text"}                        | one text
            """)
    void teiTakesASingleStringToo(EndpointSpec.Format format, String body, String text) throws Exception {
        assertThat(of(format).readRequest(body.getBytes(StandardCharsets.UTF_8)).texts()).containsExactly(text);
    }

    private static WireFormat of(EndpointSpec.Format format) {
        return WireFormat.of(EndpointSpec.builder("e", EndpointSpec.Mode.REALTIME, format).build());
    }
}
