package dev.inferbus.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sample catalog's text-generation models: their containers, endpoint configs, grants and alarms. */
class GenerationEndpointsTest {

    private final Synthesized synth = Synthesized.sample();

    @Test
    void eachGenerationFormatRunsItsDeepLearningContainerOfTheStacksRegion() {
        String models = CdkJson.write(synth.resources("AWS::SageMaker::Model"));
        // the sample stack has no concrete region: the images are us-east-1's, as the TEI default is
        assertThat(models).contains("\"763104351884.dkr.ecr.us-east-1.amazonaws.com/" + GenerationImages.LMI + "\"")
                .contains("\"763104351884.dkr.ecr.us-east-1.amazonaws.com/" + GenerationImages.TGI + "\"");
        assertThat(GenerationImages.of(dev.inferbus.events.catalog.EndpointSpec.Format.HF_TGI, "ap-east-1"))
                .startsWith("871362719292.dkr.ecr.ap-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:");
        assertThat(GenerationImages.of(dev.inferbus.events.catalog.EndpointSpec.Format.OPENAI_CHAT, "cn-north-1"))
                .startsWith("727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/djl-inference:");
    }

    @Test
    void theStreamedEndpointIsRealTimeTheLongOneAsynchronousAndEachIsInvokedByItsForwarderAndAlarmed() {
        Map<String, Map<String, Object>> configs = synth.resources("AWS::SageMaker::EndpointConfig");
        String chat = CdkJson.write(configs.entrySet().stream().filter(e -> e.getKey().contains("inferbuschat")).findFirst().orElseThrow().getValue());
        String story = CdkJson.write(configs.entrySet().stream().filter(e -> e.getKey().contains("inferbusstoryasync")).findFirst().orElseThrow().getValue());
        assertThat(chat).doesNotContain("AsyncInferenceConfig");
        assertThat(story).contains("AsyncInferenceConfig", "async-out/");

        String policies = CdkJson.write(synth.resources("AWS::IAM::Policy"));
        assertThat(policies).contains(":endpoint/inferbus-chat\"", ":endpoint/inferbus-story-async\"");
        assertThat(CdkJson.write(synth.resources("AWS::CloudWatch::Alarm")))
                .contains("SageMaker endpoint inferbus-chat answers 5xx", "SageMaker endpoint inferbus-story-async answers 5xx");
    }
}
