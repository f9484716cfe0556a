package dev.inferbus.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A catalog may point a gpu model at endpoints managed elsewhere: the stack then only feeds and grants them. */
class ExistingEndpointTest {

    @Test
    void anExistingEndpointIsReferencedNotCreatedAndStillOnlyItIsGranted(@TempDir Path dir) throws Exception {
        String catalog = Files.readString(Path.of("../samples/catalog.yaml"))
                .replace("          name: inferbus-embed\n", "          name: inferbus-embed\n          existing: true\n")
                .replace("          name: inferbus-embed-v2\n", "          name: inferbus-embed-v2\n          existing: true\n")
                .replace("      name: inferbus-embed-async\n", "      name: inferbus-embed-async\n      existing: true\n")
                .replace("      name: inferbus-tensor-minilm\n", "      name: inferbus-tensor-minilm\n      existing: true\n")
                .replace("      name: inferbus-chat\n", "      name: inferbus-chat\n      existing: true\n")
                .replace("      name: inferbus-story-async\n", "      name: inferbus-story-async\n      existing: true\n");
        Path file = dir.resolve("catalog.yaml");
        Files.writeString(file, catalog);

        Synthesized synth = new Synthesized(file);

        assertThat(synth.resources("AWS::SageMaker::Endpoint")).isEmpty();
        assertThat(synth.resources("AWS::SageMaker::Model")).isEmpty();
        assertThat(synth.resources("AWS::SageMaker::EndpointConfig")).isEmpty();
        String policies = CdkJson.write(synth.resources("AWS::IAM::Policy"));
        assertThat(policies).contains("sagemaker:InvokeEndpoint\"", ":endpoint/inferbus-embed\"", ":endpoint/inferbus-embed-v2\"",
                ":endpoint/inferbus-embed-async\"");
        // the owner of an existing async endpoint points its notifications at the stack's topics
        Map<String, ?> outputs = synth.template.findOutputs("*");
        assertThat(outputs.keySet()).anyMatch(k -> k.contains("SuccessTopicArn")).anyMatch(k -> k.contains("ErrorTopicArn"));
    }
}
